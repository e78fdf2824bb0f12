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

    /** True when values are structs, so SELECT fields, IGNORE and WITHKEY can read fields of them. */
    default boolean structured() {
        return false;
    }
}
