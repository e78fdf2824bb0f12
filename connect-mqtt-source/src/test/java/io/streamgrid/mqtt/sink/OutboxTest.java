package io.streamgrid.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgrid.mqtt.transport.MqttTransport;
import io.streamgrid.mqtt.transport.TransportException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        final List<String> published = new CopyOnWriteArrayList<>();
        final Map<String, Outcome> waiting = new ConcurrentHashMap<>();
        volatile boolean connected = true;
        /** A message whose publish stalls (the publishing thread held up) until {@link #resume} is counted down. */
        volatile String stallOn;
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);

        @Override
        public void publish(Outgoing message, Outcome outcome) throws TransportException {
            String payload = new String(message.payload());
            if (payload.equals(stallOn)) {
                stalled.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!connected) {
                throw new TransportException("not connected", 32104, null);
            }
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

    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
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

        @Override
        public void dropped(Outbox.Pending message) {
            dropped.add(new String(message.message().payload()));
        }
    });

    private void add(String... payloads) {
        addAtQos(1, payloads);
    }

    private void addAtQos(int qos, String... payloads) {
        SendBatch batch = new SendBatch();
        for (String payload : payloads) {
            RecordDelivery delivery = new RecordDelivery(new SinkRecord("t", 0, null, null, Schema.STRING_SCHEMA,
                    payload, 0), 1);
            outbox.add(List.of(new MqttTransport.Outgoing("topic", payload.getBytes(), qos, false, null)), delivery,
                    batch);
        }
    }

    /** The connection is lost: the client fails what is in flight, then tells the outbox (Paho's order). */
    private static void loseConnection(ScriptedClient client, Outbox outbox, Throwable cause, String... inFlight) {
        client.connected = false;
        for (String payload : inFlight) {
            client.answer(payload, o -> o.failed(cause));
        }
        outbox.closed();
    }

    /** What Paho's mqttv5 client fails a QoS 2 message with when the broker's PUBREC refuses one. */
    private static Throwable refusedAtPubrec() {
        return new org.eclipse.paho.mqttv5.common.MqttException(0x87);
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
        client.answer("m1", MqttTransport.Outcome::acknowledged); // the broker acknowledges in order: m1 just before
        client.published.clear();
        // the connection is lost: the client fails what is in flight, in its own order, and takes nothing until back
        loseConnection(client, outbox, new RuntimeException("lost"), "m4", "m2", "m5", "m3");
        assertThat(outbox.inFlight()).isZero();
        assertThat(outbox.waiting()).isEqualTo(5);
        client.published.clear();
        client.connected = true;
        outbox.reopened(4);
        assertThat(client.published).as("the failed ones first, in their order, then the rest")
                .containsExactly("m2", "m3", "m4", "m5");
        client.answer("m2", MqttTransport.Outcome::acknowledged);
        assertThat(client.published).containsExactly("m2", "m3", "m4", "m5", "m6");
    }

    /**
     * A publishing thread held up between taking a message and handing it to the client while the connection is
     * lost and back: the message must not go out on the new connection before those that failed on the old one.
     */
    @Test
    void aMessageTakenBeforeALossNeverOvertakesTheResendsAfterIt() throws Exception {
        ScriptedClient client = new ScriptedClient();
        add("a", "b");
        outbox.open(client, 3);
        add("x");
        client.stallOn = "x";
        Thread publisher = new Thread(outbox::send, "publisher");
        publisher.start();
        assertThat(client.stalled.await(10, TimeUnit.SECONDS)).isTrue();
        Thread reconnection = new Thread(() -> {
            loseConnection(client, outbox, new RuntimeException("lost"), "a", "b");
            client.connected = true; // the client reconnects
            outbox.reopened(3);
        }, "reconnection");
        reconnection.start();
        // the reconnection either waits for the publisher, or (the defect) is already through
        await().atMost(Duration.ofSeconds(10)).until(() -> reconnection.getState() == Thread.State.WAITING
                || reconnection.getState() == Thread.State.TERMINATED);
        client.resume.countDown();
        publisher.join(10_000);
        reconnection.join(10_000);
        assertThat(client.published).as("a and b again, in order, before x").containsExactly("a", "b", "a", "b",
                "x");
    }

    /** QoS 2 messages in flight when the broker refused one at its PUBREC: the client dropped the connection. */
    private ScriptedClient isolating(String... payloads) {
        ScriptedClient client = new ScriptedClient();
        addAtQos(2, payloads);
        outbox.open(client, 4);
        loseConnection(client, outbox, refusedAtPubrec(), payloads);
        client.connected = true;
        outbox.reopened(4);
        assertThat(client.published).as("again, one at a time").endsWith(payloads[0]);
        return client;
    }

    @Test
    void publishingOneAtATimeTheTaskWaitsForTheAnswerWithoutSpinning() throws Exception {
        isolating("q1", "q2", "q3");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        assertThat(outbox.awaitWaitingAtMost(0, 1000)).as("nothing answered: two wait").isFalse();
        assertThat(Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuBefore)).as("CPU while waiting a second")
                .isLessThan(Duration.ofMillis(100));
    }

    @Test
    void theRefusalThatEmptiesTheOutboxWakesTheTaskWaitingForIt() throws Exception {
        ScriptedClient client = isolating("q1");
        CompletableFuture<Boolean> emptied = CompletableFuture.supplyAsync(() -> {
            try {
                return outbox.awaitEmpty(30_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.inFlight() == 1);
        client.answer("q1", o -> o.failed(refusedAtPubrec())); // alone: the refused one
        assertThat(emptied.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).singleElement().asString().startsWith("q1: the broker refused it: reason code 0x87");
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
