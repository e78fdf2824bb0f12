package io.streamgrid.coap;

import io.streamgrid.coap.server.ServerMode;
import io.streamgrid.common.Version;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * A CoAP source task in one of two modes: client ({@link ClientMode}: it observes, polls or discovers the resources
 * of its share of the servers) or server ({@link ServerMode}: devices POST or PUT to it, and each is answered once
 * Kafka has its records).
 */
public class CoapSourceTask extends SourceTask {

    private TaskMode mode;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        CoapSourceConfig config = new CoapSourceConfig(CoapSourceConfig.ALIASES.resolveAndWarn(props));
        mode = config.serverMode() ? ServerMode.start(context, props, config) : new ClientMode(context, props, config);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return mode.poll();
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        mode.commitRecord(record, metadata);
    }

    @Override
    public void stop() {
        if (mode != null) {
            mode.stop();
        }
    }

    long droppedNotifications() {
        return ((ClientMode) mode).droppedNotifications();
    }

    long skippedResponses() {
        return ((ClientMode) mode).skippedResponses();
    }
}
