package io.streamgrid.common.compat;

import io.streamgrid.common.metrics.MetricsRegistry;
import java.util.LinkedHashMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;

/**
 * A task's metrics as the worker's plugin metrics (Kafka 4.1+, KIP-877). Loaded only when
 * {@link WorkerFeatures#PLUGIN_METRICS} is true; the worker removes them when the task stops.
 */
final class PluginMetricsRegistry implements MetricsRegistry {

    private final PluginMetrics metrics;

    private PluginMetricsRegistry(PluginMetrics metrics) {
        this.metrics = metrics;
    }

    /** Null when the context has none (a test's context). */
    static MetricsRegistry of(Object context) {
        PluginMetrics metrics = null;
        if (context instanceof SourceTaskContext source) {
            metrics = source.pluginMetrics();
        } else if (context instanceof SinkTaskContext sink) {
            metrics = sink.pluginMetrics();
        }
        return metrics == null ? null : new PluginMetricsRegistry(metrics);
    }

    @Override
    public MetricName name(String name, String description, java.util.Map<String, String> extraTags) {
        return metrics.metricName(name, description, new LinkedHashMap<>(extraTags));
    }

    @Override
    public Sensor sensor(String name) {
        return metrics.addSensor(name);
    }

    @Override
    public void gauge(MetricName name, MetricValueProvider<?> value) {
        metrics.addMetric(name, value);
    }

    @Override
    public String describe() {
        return "the worker's plugin metrics";
    }

    @Override
    public void close() {
        // the worker closes a task's plugin metrics after the task stops
    }
}
