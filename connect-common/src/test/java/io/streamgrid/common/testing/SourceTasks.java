package io.streamgrid.common.testing;

import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/** Starts a source task as a worker would, with no stored offsets, for every source connector's tests. */
public final class SourceTasks {

    private SourceTasks() {
    }

    public static <T extends SourceTask> T start(T task, Map<String, String> props) {
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return null;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(props);
        return task;
    }
}
