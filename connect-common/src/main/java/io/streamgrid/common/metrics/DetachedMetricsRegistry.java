package io.streamgrid.common.metrics;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;

/** Metrics that count but report nowhere: for a task whose metric names are still taken by its predecessor. */
final class DetachedMetricsRegistry implements MetricsRegistry {

    private final Metrics metrics = new Metrics();

    @Override
    public MetricName name(String name, String description, Map<String, String> extraTags) {
        return metrics.metricName(name, JmxMetricsRegistry.GROUP, description, extraTags);
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
        return "no registry";
    }

    @Override
    public void close() {
        metrics.close();
    }
}
