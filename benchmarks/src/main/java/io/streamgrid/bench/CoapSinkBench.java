package io.streamgrid.bench;

import io.streamgrid.coap.sink.CoapSinkTask;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * Case 8: the CoAP sink sending commands to 1,000 devices against a raw Californium client that sends the same
 * confirmable PUTs (same URIs, same JSON payloads) with the same number of requests out at once. The devices are
 * resources {@code /actuators/<device>/led} of one Californium server in this JVM (one simulator process) that
 * listens on {@link #ADDRESSES} ports of 127.0.0.1, a hundred devices behind each, and answers 2.04 at once: one
 * address takes at most 65,536 messages from a client within the 10 s message-id lifetime (the connector's default,
 * and the server's), so a single one would cap both at about 6,500 requests/s. The sink task is fed in-memory records
 * (schemaless maps, as JsonConverter gives, with the device's port in a header) in the worker's batches and counts
 * as done when preCommit lets the worker commit the last record (every device answered 2.04); the raw client when
 * its last request is answered. The devices count what they handle: a request handled twice fails the run.
 */
final class CoapSinkBench {

    private static final String TOPIC = "bench";
    private static final int DEVICES = 1000;
    /** The sink's default connect.coap.sink.max.parallel, and the raw client's window. */
    private static final int PARALLEL = 100;
    private static final int PUT_SIZE = 500; // the worker's default max.poll.records
    private static final long LIFETIME_MS = 10_000;
    private static final int ADDRESSES = 10;

    private final int requests;
    private final int rounds;
    private final List<Map<String, Object>> commands = new ArrayList<>();
    /** Which of the simulator's addresses each command's device is behind. */
    private final List<Integer> ports = new ArrayList<>();

    CoapSinkBench(int requests, int rounds) {
        this.requests = requests;
        this.rounds = rounds;
        for (int i = 0; i < requests; i++) {
            Map<String, Object> command = new LinkedHashMap<>();
            command.put("command_id", "c-" + i);
            command.put("device_id", String.format("d%04d", i % DEVICES));
            command.put("value", i % 100);
            commands.add(command);
            ports.add(i % DEVICES % ADDRESSES);
        }
    }

    List<Result> run() throws Exception {
        double ours = 0;
        double raw = 0;
        try (Devices devices = new Devices()) {
            for (int round = 1; round <= rounds; round++) { // who goes first takes turns: the other has a warm JIT
                boolean clientFirst = round % 2 != 0;
                double client = clientFirst ? rawClient(devices) : 0;
                double sink = sink(devices, "r" + round);
                client = clientFirst ? client : rawClient(devices);
                raw = Math.max(raw, client);
                ours = Math.max(ours, sink);
                System.out.printf("  CoAP sink round %d: sink %,.0f/s, raw Californium client %,.0f/s%n", round, sink,
                        client);
            }
            if (devices.answered.get() != 2L * rounds * requests) {
                throw new IllegalStateException("the devices answered " + devices.answered.get() + " requests, not "
                        + 2L * rounds * requests + ": some were sent twice or not at all");
            }
        }
        return List.of(new Result("8. CoAP sink vs raw Californium client", "CoAP sink, confirmable PUT "
                + "(commit after 2.04)", ours, "Californium client", raw, "requests/s", 0.8, "(" + PARALLEL
                + " requests out at once for both, " + String.format("%,d", requests) + " JSON commands to " + DEVICES
                + " devices of one simulator on " + ADDRESSES + " ports)"));
    }

    /** Requests/s from the first put to the commit of the last record. */
    private double sink(Devices devices, String round) {
        List<List<SinkRecord>> batches = new ArrayList<>();
        for (int from = 0; from < requests; from += PUT_SIZE) {
            List<SinkRecord> batch = new ArrayList<>(PUT_SIZE);
            for (int i = from; i < Math.min(requests, from + PUT_SIZE); i++) {
                ConnectHeaders headers = new ConnectHeaders();
                headers.addInt("port", devices.port(ports.get(i)));
                batch.add(new SinkRecord(TOPIC, 0, Schema.STRING_SCHEMA, commands.get(i).get("device_id"), null,
                        commands.get(i), i, null, TimestampType.NO_TIMESTAMP_TYPE, headers));
            }
            batches.add(batch);
        }
        Map<String, String> props = new HashMap<>();
        props.put("name", "bench-coap-sink-" + round + "-" + System.nanoTime());
        props.put("topics", TOPIC);
        props.put("connect.coap.exchange.lifetime", String.valueOf(LIFETIME_MS));
        props.put("connect.coap.sink.max.parallel", String.valueOf(PARALLEL));
        props.put("connect.coap.sink.max.pending", String.valueOf(requests));
        props.put("connect.coap.kcql", "INSERT INTO coap://127.0.0.1:${_header.port}/actuators/${device_id}/led SELECT "
                + "command_id, device_id, value FROM " + TOPIC + " PROPERTIES('method' = 'PUT', 'confirmable' = 'true')");
        CoapSinkTask task = new CoapSinkTask();
        task.initialize(new BenchSinkContext(false));
        task.start(props);
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try {
            return Timer.rate(requests, () -> {
                for (List<SinkRecord> batch : batches) {
                    task.put(batch);
                }
                long committed = 0;
                while (committed < requests) {
                    task.put(List.of()); // as the worker does while it waits
                    committed = task.preCommit(Map.of(partition, new OffsetAndMetadata(requests))).get(partition)
                            .offset();
                    if (committed < requests) {
                        Thread.sleep(1);
                    }
                }
            });
        } finally {
            task.stop();
        }
    }

    /**
     * Requests/s of a Californium client that keeps at most {@link #PARALLEL} requests unanswered, writing each
     * request's URI and JSON payload as a hand-written client would, by string concatenation.
     */
    private double rawClient(Devices devices) throws Exception {
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(configuration())
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        endpoint.start();
        Semaphore window = new Semaphore(PARALLEL);
        CountDownLatch answered = new CountDownLatch(requests);
        AtomicReference<String> failure = new AtomicReference<>();
        try {
            return Timer.rate(requests, () -> {
                for (int i = 0; i < requests; i++) {
                    Map<String, Object> command = commands.get(i);
                    window.acquire();
                    Request request = Request.newPut();
                    request.setURI("coap://127.0.0.1:" + devices.port(ports.get(i)) + "/actuators/"
                            + command.get("device_id") + "/led");
                    request.setPayload(("{\"command_id\":\"" + command.get("command_id") + "\",\"device_id\":\""
                            + command.get("device_id") + "\",\"value\":" + command.get("value") + "}")
                            .getBytes(StandardCharsets.UTF_8));
                    request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
                    request.addMessageObserver(new MessageObserverAdapter() {
                        @Override
                        public void onResponse(Response response) {
                            if (!response.getCode().isSuccess()) {
                                failure.compareAndSet(null, "answered " + response.getCode());
                            }
                            done();
                        }

                        @Override
                        public void onTimeout() {
                            fail("no answer after CoAP's retransmissions");
                        }

                        @Override
                        public void onReject() {
                            fail("reset by the device");
                        }

                        @Override
                        public void onCancel() {
                            fail("cancelled");
                        }

                        @Override
                        public void onSendError(Throwable error) {
                            fail("not sent: " + error);
                        }

                        private void fail(String why) {
                            failure.compareAndSet(null, why);
                            done();
                        }

                        private void done() {
                            window.release();
                            answered.countDown();
                        }
                    });
                    endpoint.sendRequest(request);
                }
                if (!answered.await(10, TimeUnit.MINUTES) || failure.get() != null) {
                    throw new IllegalStateException("the raw client's requests failed: " + failure.get());
                }
            });
        } finally {
            endpoint.destroy();
        }
    }

    private static Configuration configuration() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, LIFETIME_MS, TimeUnit.MILLISECONDS);
        config.set(CoapConfig.NON_LIFETIME, LIFETIME_MS, TimeUnit.MILLISECONDS);
        return config;
    }

    /**
     * One simulator: 1,000 (any number of) devices as resources of one server on {@link #ADDRESSES} ports, each
     * answering a PUT with 2.04.
     */
    private static final class Devices implements AutoCloseable {
        static {
            CoapConfig.register();
            UdpConfig.register();
        }

        private final List<Integer> ports = new ArrayList<>();
        private final AtomicLong answered = new AtomicLong();
        private final CoapServer server = new CoapServer(configuration());

        Devices() {
            for (int i = 0; i < ADDRESSES; i++) {
                ports.add(FreePorts.udp());
                server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(configuration())
                        .setInetSocketAddress(new InetSocketAddress("127.0.0.1", ports.get(i))).build());
            }
            server.add(new CoapResource("actuators") {
                @Override
                public Resource getChild(String device) {
                    return new CoapResource(device) {
                        @Override
                        public Resource getChild(String name) {
                            return new Led(name);
                        }
                    };
                }
            });
            server.start();
        }

        int port(int address) {
            return ports.get(address);
        }

        private final class Led extends CoapResource {
            Led(String name) {
                super(name);
            }

            @Override
            public void handlePUT(CoapExchange exchange) {
                answered.incrementAndGet();
                exchange.respond(CoAP.ResponseCode.CHANGED);
            }
        }

        @Override
        public void close() {
            server.destroy();
        }
    }
}
