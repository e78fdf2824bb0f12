package io.streamgrid.common.projection;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The parts of a record a projection reads, for sink records and for values a source builds before it
 * has a record. {@code partition} and {@code offset} are null where there are none.
 */
public record RecordView(String topic, Integer partition, Long offset, Long timestamp,
                         Schema keySchema, Object key, Schema valueSchema, Object value, Headers headers) {

    public RecordView {
        headers = headers == null ? new ConnectHeaders() : headers;
    }

    public static RecordView of(SinkRecord record) {
        return new RecordView(record.topic(), record.kafkaPartition(), record.kafkaOffset(), record.timestamp(),
                record.keySchema(), record.key(), record.valueSchema(), record.value(), record.headers());
    }

    public static RecordView of(ConnectRecord<?> record) {
        if (record instanceof SinkRecord sink) {
            return of(sink);
        }
        return new RecordView(record.topic(), record.kafkaPartition(), null, record.timestamp(),
                record.keySchema(), record.key(), record.valueSchema(), record.value(), record.headers());
    }

    /** A value a source received from {@code origin} (an MQTT topic, a CoAP resource) with no key yet. */
    public static RecordView ofValue(String origin, Schema valueSchema, Object value) {
        return new RecordView(origin, null, null, null, null, null, valueSchema, value, null);
    }

    /** Where the record is, for error messages: {@code topic=t partition=0 offset=42}. */
    public String describe() {
        StringBuilder where = new StringBuilder("topic=").append(topic);
        if (partition != null) {
            where.append(" partition=").append(partition);
        }
        if (offset != null) {
            where.append(" offset=").append(offset);
        }
        return where.toString();
    }
}
