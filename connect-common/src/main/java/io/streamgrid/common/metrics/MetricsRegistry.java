package io.streamgrid.common.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Sensor;

/**
 * Where a task's metrics are registered: the worker's plugin metrics (Kafka 4.1+) or our own JMX registry
 * (older workers). Both give names in group {@code plugins} tagged with the connector and the task.
 */
public interface MetricsRegistry extends AutoCloseable {

    default MetricName name(String name, String description) {
        return name(name, description, java.util.Map.of());
    }

    /** A name with tags besides the connector's and the task's (e.g. {@code statement=2}). */
    MetricName name(String name, String description, java.util.Map<String, String> extraTags);

    /** A new sensor; its name must be unique in the worker. */
    Sensor sensor(String name);

    void gauge(MetricName name, MetricValueProvider<?> value);

    /** For logs: which registry this is. */
    String describe();

    @Override
    void close();
}
