package io.streamgrid.common.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Time;

/**
 * A task's metrics on a worker without plugin metrics (before Kafka 4.1): a Kafka {@link Metrics} of the
 * task's own, reported over JMX under the MBean name newer workers give plugin metrics,
 * {@code kafka.connect:type=plugins,connector=<name>,task=<id>}, so dashboards need not care which worker
 * runs the task. Closing it removes the MBean.
 */
public final class JmxMetricsRegistry implements MetricsRegistry {

    /** The JMX domain of Connect's own metrics. */
    public static final String JMX_DOMAIN = "kafka.connect";
    public static final String GROUP = "plugins";

    private final Metrics metrics;
    private final Map<String, String> tags = new LinkedHashMap<>();

    public JmxMetricsRegistry(String connector, String task) {
        tags.put("connector", connector);
        tags.put("task", task);
        JmxReporter reporter = new JmxReporter();
        // a Metrics always has a count of its metrics; the worker reports its own under that name
        reporter.configure(Map.of("metrics.jmx.exclude", ".*type=kafka-metrics-count.*"));
        metrics = new Metrics(new MetricConfig(), List.of(reporter), Time.SYSTEM, new KafkaMetricsContext(JMX_DOMAIN));
    }

    @Override
    public MetricName name(String name, String description, Map<String, String> extraTags) {
        Map<String, String> all = new LinkedHashMap<>(tags);
        all.putAll(extraTags);
        return metrics.metricName(name, GROUP, description, all);
    }

    @Override
    public Sensor sensor(String name) {
        return metrics.sensor(name);
    }

    @Override
    public void gauge(MetricName name, MetricValueProvider<?> value) {
        metrics.addMetric(name, value);
    }

    @Override
    public String describe() {
        return "JMX " + JMX_DOMAIN + ":type=" + GROUP + ",connector=" + tags.get("connector") + ",task=" + tags.get("task");
    }

    @Override
    public void close() {
        metrics.close();
    }
}
