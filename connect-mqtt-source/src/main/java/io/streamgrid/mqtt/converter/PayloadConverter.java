package io.streamgrid.mqtt.converter;

import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Turns an MQTT payload into a Connect value. Chosen per statement with WITHCONVERTER; a statement's
 * PROPERTIES reach {@link #configure}. A payload it cannot read is a {@code DataException}.
 * Implementations need a public no-argument constructor; one instance serves one statement of one task.
 */
public interface PayloadConverter {

    /** Called once, with the statement's PROPERTIES; a bad setting is an {@code IllegalArgumentException}. */
    default void configure(Map<String, String> properties) {
    }

    SchemaAndValue convert(String mqttTopic, byte[] payload);

    /** One record a payload gives, with its record key (null: the MQTT topic, or WITHKEY). */
    record Converted(String key, SchemaAndValue value) {
    }

    /**
     * Every record a payload gives: one by default; several for payloads that carry many values (Sparkplug B:
     * one per metric), none for a payload that carries nothing to record.
     */
    default java.util.List<Converted> convertAll(String mqttTopic, byte[] payload) {
        return java.util.List.of(new Converted(null, convert(mqttTopic, payload)));
    }

    /** True when values are structs, so SELECT fields, IGNORE and WITHKEY can read fields of them. */
    default boolean structured() {
        return false;
    }
}
