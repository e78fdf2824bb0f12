package io.streamgrid.common.compat;

import io.streamgrid.common.metrics.JmxMetricsRegistry;
import io.streamgrid.common.metrics.MetricsRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the running Connect worker offers beyond Kafka 3.7, checked once by reflection; the only entry to
 * newer APIs (see the package documentation for the rule).
 */
public final class WorkerFeatures {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerFeatures.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** The task contexts' {@code pluginMetrics} method: Kafka 4.1+ (KIP-877). */
    public static final boolean PLUGIN_METRICS = hasMethod(SourceTaskContext.class, "pluginMetrics")
            && hasMethod(SinkTaskContext.class, "pluginMetrics");

    private WorkerFeatures() {
    }

    /**
     * Where a task's metrics go: the worker's plugin metrics where it has them, else a JMX registry of our
     * own under the same MBean name ({@code kafka.connect:type=plugins,connector=<name>,task=<id>}).
     *
     * @param context the task's {@code SourceTaskContext} or {@code SinkTaskContext}, or null outside a worker
     */
    public static MetricsRegistry metricsFor(Object context, String connector, String task) {
        logMissingOnce();
        if (PLUGIN_METRICS && context != null) {
            MetricsRegistry registry = PluginMetricsRegistry.of(context);
            if (registry != null) {
                return registry;
            }
        }
        return new JmxMetricsRegistry(connector, task);
    }

    private static void logMissingOnce() {
        if (!PLUGIN_METRICS && LOGGED.compareAndSet(false, true)) {
            LOG.info("This Kafka Connect worker ({}) has no plugin metrics (KIP-877, Kafka 4.1+): StreamGrid "
                    + "registers its task metrics over JMX itself, under the same MBean names "
                    + "(kafka.connect:type=plugins,connector=<name>,task=<id>)", workerVersion());
        }
    }

    /** The Kafka version of the worker's own jars. */
    public static String workerVersion() {
        return "Kafka " + AppInfoParser.getVersion();
    }

    private static boolean hasMethod(Class<?> type, String name) {
        try {
            type.getMethod(name);
            return true;
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }
}
