package io.streamgrid.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.compat.WorkerFeatures;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

class ConnectorMetricsTest {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final ConnectorMetrics.Gauges GAUGES = new ConnectorMetrics.Gauges(() -> 2, () -> 5, () -> 640, () -> true);

    @Test
    void withoutPluginMetricsTheSameNamesAreOnJmxUnderTheTasksMBean() throws Exception {
        ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=jmx-fallback,task=3");
        ConnectorMetrics metrics = ConnectorMetrics.register(null,
                Map.of("name", "jmx-fallback", TaskIds.TASK_ID_CONFIG, "3"), GAUGES);
        try {
            recordSome(metrics);
            assertCounts(name);
            assertThat(JMX.isRegistered(new ObjectName("kafka.connect:type=kafka-metrics-count")))
                    .as("the worker's own metric count is left alone").isFalse();
        } finally {
            metrics.close();
        }
        assertThat(JMX.isRegistered(name)).as("closing removes the MBean").isFalse();
    }

    @Test
    void onAWorkerWithPluginMetricsTheyAreTheWorkersPluginMetrics() throws Exception {
        assertThat(WorkerFeatures.PLUGIN_METRICS).as("the test class path has Kafka 4.1+").isTrue();
        JmxReporter reporter = new JmxReporter();
        try (Metrics workerMetrics = new Metrics(new MetricConfig(), List.of(reporter), Time.SYSTEM,
                new KafkaMetricsContext("kafka.connect"))) {
            LinkedHashMap<String, String> tags = new LinkedHashMap<>();
            tags.put("connector", "plugin-metrics");
            tags.put("task", "1");
            PluginMetricsImpl pluginMetrics = new PluginMetricsImpl(workerMetrics, tags);
            ConnectorMetrics metrics = ConnectorMetrics.register(context(pluginMetrics),
                    Map.of("name", "plugin-metrics", TaskIds.TASK_ID_CONFIG, "1"), GAUGES);
            recordSome(metrics);
            ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=plugin-metrics,task=1");
            assertCounts(name);
            assertThat(workerMetrics.metrics().keySet()).anyMatch(m -> m.name().equals("records-out-total")
                    && "plugin-metrics".equals(m.tags().get("connector")));
            pluginMetrics.close(); // what the worker does when the task stops
            metrics.close();
            assertThat(JMX.isRegistered(name)).isFalse();
        }
    }

    @Test
    void everyDocumentedMetricIsRegistered() throws Exception {
        ConnectorMetrics metrics = ConnectorMetrics.register(null,
                Map.of("name", "all-metrics", TaskIds.TASK_ID_CONFIG, "0"), GAUGES);
        try {
            ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=all-metrics,task=0");
            List<String> attributes = Arrays.stream(JMX.getMBeanInfo(name).getAttributes())
                    .map(a -> a.getName()).toList();
            assertThat(attributes).containsExactlyInAnyOrderElementsOf(
                    Arrays.stream(StreamGridMetric.values()).map(StreamGridMetric::metricName).toList());
        } finally {
            metrics.close();
        }
    }

    private static void recordSome(ConnectorMetrics metrics) {
        metrics.recordsIn(10);
        metrics.recordsOut(7);
        metrics.batch(4);
        metrics.batch(8);
        metrics.retry();
        metrics.failedBatch();
        metrics.deadLettered(1);
        metrics.dropped(2);
        metrics.skipped(3);
        metrics.acknowledged(6);
        metrics.lag(10);
        metrics.lag(30);
        metrics.lag(-5);
        metrics.lost(4);
        metrics.sequenceLag("commands", () -> 12);
        metrics.sequenceLag("device-state", () -> 30);
        metrics.sequenceLag("commands", () -> 1000); // the first one stays
    }

    private static void assertCounts(ObjectName name) throws Exception {
        assertThat(JMX.isRegistered(name)).as(name + " is registered").isTrue();
        assertThat(JMX.getAttribute(name, "records-in-total")).isEqualTo(10.0);
        assertThat(JMX.getAttribute(name, "records-out-total")).isEqualTo(7.0);
        assertThat((Double) JMX.getAttribute(name, "records-in-rate")).isPositive();
        assertThat(JMX.getAttribute(name, "batches-total")).isEqualTo(2.0);
        assertThat(JMX.getAttribute(name, "batch-latency-avg")).isEqualTo(6.0);
        assertThat(JMX.getAttribute(name, "batch-latency-max")).isEqualTo(8.0);
        assertThat(JMX.getAttribute(name, "retries-total")).isEqualTo(1.0);
        assertThat(JMX.getAttribute(name, "failed-batches-total")).isEqualTo(1.0);
        assertThat(JMX.getAttribute(name, "dead-lettered-total")).isEqualTo(1.0);
        assertThat(JMX.getAttribute(name, "dropped-total")).isEqualTo(2.0);
        assertThat(JMX.getAttribute(name, "skipped-total")).isEqualTo(3.0);
        assertThat(JMX.getAttribute(name, "acknowledged-total")).isEqualTo(6.0);
        assertThat(JMX.getAttribute(name, "end-to-end-lag-max")).isEqualTo(30.0);
        assertThat(JMX.getAttribute(name, "end-to-end-lag-avg")).as("a negative lag counts as 0")
                .isEqualTo(40.0 / 3);
        assertThat(JMX.getAttribute(name, "in-flight-batches")).isEqualTo(2L);
        assertThat(JMX.getAttribute(name, "queued-records")).isEqualTo(5L);
        assertThat(JMX.getAttribute(name, "queued-bytes")).isEqualTo(640L);
        assertThat(JMX.getAttribute(name, "connected")).isEqualTo(1L);
        assertThat(JMX.getAttribute(name, "lost-total")).isEqualTo(4.0);
        assertThat(JMX.getAttribute(name, "sequence-lag")).as("the task's: every structure's").isEqualTo(42L);
        ObjectName commands = new ObjectName(name + ",structure=commands");
        assertThat(JMX.getAttribute(commands, "sequence-lag")).isEqualTo(12L);
    }

    private static SourceTaskContext context(PluginMetrics pluginMetrics) {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return null;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return pluginMetrics;
            }
        };
    }
}
