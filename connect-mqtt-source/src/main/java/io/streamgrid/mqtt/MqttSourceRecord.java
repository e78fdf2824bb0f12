package io.streamgrid.mqtt;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A source record that carries the acknowledgement of its MQTT message; the worker hands this very record
 * (before transformations) to {@code commitRecord} once Kafka has it.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EQ_DOESNT_OVERRIDE_EQUALS", justification = "two records with the same content are equal; "
        + "the acknowledgement they carry is not part of the record")
final class MqttSourceRecord extends SourceRecord {

    private final Acknowledgement acknowledgement;

    MqttSourceRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic, Schema keySchema,
                     Object key, Schema valueSchema, Object value, Long timestamp, Headers headers,
                     Acknowledgement acknowledgement) {
        super(sourcePartition, sourceOffset, topic, null, keySchema, key, valueSchema, value, timestamp, headers);
        this.acknowledgement = acknowledgement;
    }

    Acknowledgement acknowledgement() {
        return acknowledgement;
    }
}
