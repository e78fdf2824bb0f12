package io.streamgrid.coap;

import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/** How a CoAP source task reads devices: as a client of their servers, or as the server they send to. */
public interface TaskMode {

    List<SourceRecord> poll() throws InterruptedException;

    void commitRecord(SourceRecord record, RecordMetadata metadata);

    void stop();
}
