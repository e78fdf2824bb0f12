package io.streamgrid.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.mqtt.transport.MqttTransport;
import io.streamgrid.mqtt.transport.TransportException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The outbox's order and window with a client that does what the test says (a narrow unit test: the same paths run
 * against mosquitto in MqttSinkMosquittoTest, but there a connection loss fails whatever happens to be in flight).
 */
class OutboxTest {

    /** A client that records what it is given and answers only when told to. */
    private static final class ScriptedClient implements MqttTransport {
        final List<String> published = new ArrayList<>();
        final Map<String, Outcome> waiting = new LinkedHashMap<>();
        boolean connected = true;

        @Override
        public void publish(Outgoing message, Outcome outcome) throws TransportException {
            if (!connected) {
                throw new TransportException("not connected", 32104, null);
            }
            String payload = new String(message.payload());
            published.add(payload);
            waiting.put(payload, outcome);
        }

        void answer(String payload, Consumer<Outcome> how) {
            how.accept(waiting.remove(payload));
        }

        @Override
        public boolean connect(Listener listener, long timeoutMs) {
            return false;
        }

        @Override
        public int[] subscribeAndWait(String[] filters, int[] qos, long timeoutMs) {
            return new int[0];
        }

        @Override
        public void subscribe(String[] filters, int[] qos, Consumer<int[]> granted, Consumer<Throwable> failed) {
        }

        @Override
        public void acknowledge(int messageId, int qos) {
        }

        @Override
        public void publish(String topic, byte[] payload, int qos) {
        }

        @Override
        public BrokerLimits limits() {
            return BrokerLimits.NONE;
        }

        @Override
        public long packetSize(Outgoing message) {
            return message.payload().length;
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void close() {
        }
    }

    private final List<String> acknowledged = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final Outbox outbox = new Outbox(new Outbox.Events() {
        @Override
        public void acknowledged(Outbox.Pending message) {
            acknowledged.add(new String(message.message().payload()));
            message.delivery().messageDone();
        }

        @Override
        public void refused(Outbox.Pending message, String why) {
            refused.add(new String(message.message().payload()) + ": " + why);
        }

        @Override
        public void failed(Outbox.Pending message, Throwable cause) {
        }
    });

    private void add(String... payloads) {
        SendBatch batch = new SendBatch();
        for (String payload : payloads) {
            RecordDelivery delivery = new RecordDelivery(new SinkRecord("t", 0, null, null, Schema.STRING_SCHEMA,
                    payload, 0), 1);
            outbox.add(List.of(new MqttTransport.Outgoing("topic", payload.getBytes(), 1, false, null)), delivery,
                    batch);
        }
    }

    @Test
    void atMostAWindowIsInFlightAndEachAnswerLetsTheNextGo() {
        ScriptedClient client = new ScriptedClient();
        add("m1", "m2", "m3", "m4", "m5");
        outbox.open(client, 2);
        assertThat(client.published).containsExactly("m1", "m2");
        assertThat(outbox.inFlight()).isEqualTo(2);
        assertThat(outbox.waiting()).isEqualTo(3);
        client.answer("m2", MqttTransport.Outcome::acknowledged);
        assertThat(client.published).containsExactly("m1", "m2", "m3");
        client.answer("m1", o -> o.refused(0x87));
        assertThat(client.published).containsExactly("m1", "m2", "m3", "m4");
        assertThat(refused).containsExactly("m1: the broker refused it: reason code 0x87 (Not authorized)");
        assertThat(acknowledged).containsExactly("m2");
    }

    @Test
    void whatFailedInFlightIsPublishedAgainInItsOrderBeforeAnythingElseOnceTheConnectionIsBack() {
        ScriptedClient client = new ScriptedClient();
        add("m1", "m2", "m3", "m4", "m5", "m6");
        outbox.open(client, 4);
        assertThat(client.published).containsExactly("m1", "m2", "m3", "m4");
        // the connection is lost: the client fails what is in flight, in any order, and takes nothing until it is back
        client.connected = false;
        client.answer("m3", o -> o.failed(new RuntimeException("lost")));
        client.answer("m2", MqttTransport.Outcome::acknowledged); // answered just before the loss
        client.answer("m4", o -> o.failed(new RuntimeException("lost")));
        client.answer("m1", o -> o.failed(new RuntimeException("lost")));
        outbox.closed();
        assertThat(outbox.inFlight()).isZero();
        assertThat(outbox.waiting()).isEqualTo(5);
        client.published.clear();
        client.connected = true;
        outbox.reopened(4);
        assertThat(client.published).as("the failed ones first, in their order, then the rest")
                .containsExactly("m1", "m3", "m4", "m5");
        client.answer("m1", MqttTransport.Outcome::acknowledged);
        assertThat(client.published).containsExactly("m1", "m3", "m4", "m5", "m6");
    }

    @Test
    void aMessageTheClientCannotTakeWaitsFirstInLineUntilTheConnectionIsBack() {
        ScriptedClient client = new ScriptedClient();
        client.connected = false;
        add("m1", "m2");
        outbox.open(client, 10);
        assertThat(client.published).isEmpty();
        assertThat(outbox.isOpen()).isFalse();
        assertThat(outbox.waiting()).isEqualTo(2);
        client.connected = true;
        outbox.reopened(10);
        assertThat(client.published).containsExactly("m1", "m2");
    }

    @Test
    void removedMessagesAreNeverPublished() {
        ScriptedClient client = new ScriptedClient();
        add("m1", "m2", "m3");
        outbox.open(client, 1);
        assertThat(outbox.remove(p -> new String(p.message().payload()).equals("m2"))).hasSize(1);
        client.answer("m1", MqttTransport.Outcome::acknowledged);
        assertThat(client.published).containsExactly("m1", "m3");
        assertThat(outbox.waitingBytes()).isZero();
    }
}
