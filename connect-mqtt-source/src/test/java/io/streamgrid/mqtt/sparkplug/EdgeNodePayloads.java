package io.streamgrid.mqtt.sparkplug;

import java.util.Date;
import java.util.List;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/** Sparkplug B payloads as an edge node makes them, with Eclipse Tahu's builders and encoder. */
public final class EdgeNodePayloads {

    private EdgeNodePayloads() {
    }

    /** A payload with this seq, timestamp 1000 and the metrics. */
    public static byte[] payload(long seq, Metric... metrics) throws Exception {
        SparkplugBPayload payload = new SparkplugBPayload.SparkplugBPayloadBuilder().setSeq(seq)
                .setTimestamp(new Date(1_000L)).addMetrics(List.of(metrics)).createPayload();
        return new SparkplugBPayloadEncoder().getBytes(payload, false);
    }

    /** A metric by name (with an alias when given, as a BIRTH defines it) or by alias only (as DATA sends it). */
    public static Metric metric(String name, Long alias, MetricDataType type, Object value) throws Exception {
        Metric.MetricBuilder builder = name != null ? new Metric.MetricBuilder(name, type, value)
                : new Metric.MetricBuilder(alias, type, value);
        if (name != null && alias != null) {
            builder.alias(alias);
        }
        return builder.timestamp(new Date(2_000L)).createMetric();
    }
}
