package io.streamgrid.coap.server;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A source record that carries the device request it came from; the worker hands this very record (before
 * transformations) to {@code commitRecord} once Kafka has it, and the request is answered then.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EQ_DOESNT_OVERRIDE_EQUALS", justification = "two records "
        + "with the same content are equal; the request they answer is not part of the record")
final class RequestRecord extends SourceRecord {

    private final PendingRequest request;
    private final boolean deadLetter;

    RequestRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic, Schema keySchema,
                  Object key, Schema valueSchema, Object value, Long timestamp, Headers headers,
                  PendingRequest request, boolean deadLetter) {
        super(sourcePartition, sourceOffset, topic, null, keySchema, key, valueSchema, value, timestamp, headers);
        this.request = request;
        this.deadLetter = deadLetter;
    }

    PendingRequest request() {
        return request;
    }

    /** Whether this is the dead letter of a request no statement could read (the device gets 4.00, not 2.04). */
    boolean deadLetter() {
        return deadLetter;
    }
}
