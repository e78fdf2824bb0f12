package io.streamgrid.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.topic.ITopic;
import io.streamgrid.mqtt.connection.NoDelaySocketFactories;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Case 10: the command loop's round trip (docs/command-and-control.md), Hazelcast to device to Hazelcast, at a
 * steady low rate. Commands are published to a reliable topic; the Hazelcast source takes them to Kafka; the MQTT
 * sink to an MQTT 5 device (a Paho client in this JVM, answering on the response topic with the correlation data)
 * whose answers the MQTT source takes to Kafka, or the CoAP sink to a Californium device (answering 2.04) whose
 * answers the sink's reporter writes to Kafka; the Hazelcast sink merges commands and answers into a status map. An
 * entry listener in this JVM takes the time an answer reaches the map (same clock as the publish). The settings are
 * the ones docs/command-and-control.md recommends: {@code producer.override.linger.ms=0} on both sources and the
 * reporter's {@code linger.ms=0}, the Hazelcast sink's {@code connect.hazelcast.linger.ms=0} (its default).
 */
final class CommandLoopBench {

    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final double P99_LIMIT_MS = 50;
    private static final int DEVICES = 10;
    private static final String JSON = "org.apache.kafka.connect.json.JsonConverter";
    private static final String STRING = "org.apache.kafka.connect.storage.StringConverter";
    private static final ObjectMapper READER = new ObjectMapper();

    private final BenchCluster cluster;
    private final Mosquitto broker;
    private final int rate;
    private final Duration duration;
    /** When each command reached its device (System.nanoTime()), to split a round trip into its legs. */
    private final Map<String, Long> reached = new ConcurrentHashMap<>();

    CommandLoopBench(BenchCluster cluster, Mosquitto broker, int rate, Duration duration) {
        this.cluster = cluster;
        this.broker = broker;
        this.rate = rate;
        this.duration = duration;
    }

    List<Result> run() throws Exception {
        List<Result> results = new ArrayList<>();
        results.addAll(mqtt());
        results.addAll(coap());
        return results;
    }

    private List<Result> mqtt() throws Exception {
        String commands = "loop_mqtt_commands";
        String answers = "loop_mqtt_answers";
        createTopics(commands, answers);
        List<String> connectors = new ArrayList<>();
        try (MqttDevice device = new MqttDevice(broker.url(), reached)) {
            start(connectors, "loop-mqtt-source", source("loop_mqtt", commands));
            start(connectors, "loop-mqtt-sink", Map.of(
                    "connector.class", "io.streamgrid.mqtt.sink.MqttSinkConnector",
                    "topics", commands,
                    "value.converter", JSON, "value.converter.schemas.enable", "false",
                    "connect.mqtt.hosts", broker.url(),
                    "connect.mqtt.client.id", "loop-bench-sink",
                    "connect.mqtt.version", "5",
                    "connect.mqtt.kcql", "INSERT INTO bench/${device_id}/cmd SELECT * FROM " + commands
                            + " PROPERTIES('qos' = '1', 'response.topic' = 'bench/${device_id}/cmd/response', "
                            + "'correlation.data' = '${command_id}')"));
            start(connectors, "loop-mqtt-answers", Map.of(
                    "connector.class", "io.streamgrid.mqtt.MqttSourceConnector",
                    "value.converter", JSON, "value.converter.schemas.enable", "false",
                    "producer.override.linger.ms", "0",
                    "connect.mqtt.hosts", broker.url(),
                    "connect.mqtt.client.id", "loop-bench-answers",
                    "connect.mqtt.version", "5",
                    "connect.mqtt.service.quality", "1",
                    "connect.mqtt.kcql", "INSERT INTO " + answers + " SELECT * FROM bench/+/cmd/response "
                            + "WITHCONVERTER=`json` WITHKEY(command_id)"));
            start(connectors, "loop-mqtt-status", status("loop_mqtt_status", commands, answers,
                    "SELECT command_id, result FROM " + answers + " PK command_id"));
            return measure("MQTT 5", "loop_mqtt", answers, "loop_mqtt_status");
        } finally {
            connectors.forEach(cluster::delete);
        }
    }

    private List<Result> coap() throws Exception {
        String commands = "loop_coap_commands";
        String results = "loop_coap_results";
        String errors = "loop_coap_errors";
        createTopics(commands, results, errors);
        List<String> connectors = new ArrayList<>();
        try (CoapDevices devices = new CoapDevices(reached)) {
            start(connectors, "loop-coap-source", source("loop_coap", commands));
            Map<String, String> sink = new HashMap<>(Map.of(
                    "connector.class", "io.streamgrid.coap.sink.CoapSinkConnector",
                    "topics", commands,
                    "value.converter", JSON, "value.converter.schemas.enable", "false",
                    "connect.coap.bind.host", "127.0.0.1",
                    "connect.coap.kcql", "INSERT INTO coap://127.0.0.1:" + devices.port + "/actuators/${device_id}/"
                            + "${action} SELECT command_id, device_id, action, value FROM " + commands,
                    "connect.coap.sink.reporter.bootstrap.servers", cluster.bootstrapServers(),
                    "connect.coap.sink.reporter.result.topic", results,
                    "connect.coap.sink.reporter.error.topic", errors,
                    "connect.coap.sink.reporter.producer.linger.ms", "0"));
            start(connectors, "loop-coap-sink", sink);
            start(connectors, "loop-coap-status", status("loop_coap_status", commands, results,
                    "SELECT value.command_id AS command_id, response_json.result AS result FROM " + results
                            + " PK value.command_id"));
            return measure("CoAP", "loop_coap", results, "loop_coap_status");
        } finally {
            connectors.forEach(cluster::delete);
        }
    }

    private void createTopics(String... topics) {
        for (String topic : topics) {
            cluster.connect.kafka().createTopic(topic, 1);
        }
    }

    private void start(List<String> connectors, String name, Map<String, String> settings) {
        Map<String, String> config = new HashMap<>(settings);
        config.put("tasks.max", "1");
        config.put("key.converter", STRING);
        cluster.start(name, config, 1);
        connectors.add(name);
    }

    /** The Hazelcast source of the reliable topic {@code <reliableTopic>} into {@code kafkaTopic}. */
    private Map<String, String> source(String reliableTopic, String kafkaTopic) {
        Map<String, String> config = new HashMap<>(cluster.hazelcastSettings());
        config.put("connector.class", "io.streamgrid.hazelcast.source.HazelcastSourceConnector");
        config.put("value.converter", JSON);
        config.put("value.converter.schemas.enable", "false");
        config.put("producer.override.linger.ms", "0");
        config.put("connect.hazelcast.kcql", "INSERT INTO " + kafkaTopic + " SELECT * FROM " + reliableTopic
                + " WITHTYPE RELIABLE_TOPIC WITHKEY(device_id)");
        String heartbeats = kafkaTopic + "_heartbeats"; // the embedded broker creates no topic on first use
        createTopics(heartbeats);
        config.put("connect.hazelcast.source.heartbeat.topic", heartbeats);
        return config;
    }

    /** The Hazelcast sink merging the commands and what {@code answerSelect} takes of the answers into the map. */
    private Map<String, String> status(String map, String commands, String answers, String answerSelect) {
        String into = "UPSERT INTO " + map + " ";
        String storeAs = " STOREAS IMAP (merge = true, jsonValue = true)";
        Map<String, String> config = cluster.sinkConfig(commands + "," + answers, into + "SELECT command_id, "
                + "device_id, sent_at FROM " + commands + " PK command_id" + storeAs + ";" + into + answerSelect
                + storeAs);
        config.put("connect.hazelcast.linger.ms", "0");
        return config;
    }

    /**
     * Publishes commands at the rate for the warm-up and the duration; each one's round trip ends when an entry
     * listener sees its answer in {@code statusMap}. Every command must come back.
     */
    private List<Result> measure(String transport, String reliableTopic, String answerTopic, String statusMap)
            throws Exception {
        Map<String, Long> pending = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        List<double[]> legs = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger published = new AtomicInteger();
        AnswersInKafka inKafka = new AnswersInKafka(cluster.bootstrapServers(), answerTopic);
        AtomicInteger answered = new AtomicInteger();
        long start = System.nanoTime();
        UUID listener = cluster.member.getMap(statusMap).addEntryListener(new Answers(pending, (id, sent, now) -> {
            answered.incrementAndGet();
            Long atDevice = reached.remove(id);
            Long readable = inKafka.readable.remove(id);
            if (sent - start >= WARMUP.toNanos()) {
                latencies.add((now - sent) / 1e6);
                if (atDevice != null && readable != null) {
                    legs.add(new double[] {(atDevice - sent) / 1e6, (readable - atDevice) / 1e6,
                        (now - readable) / 1e6});
                }
            }
        }), true);
        ITopic<Object> topic = cluster.member.getReliableTopic(reliableTopic);
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> publishing = publisher.scheduleAtFixedRate(() -> {
                int n = published.getAndIncrement();
                String id = reliableTopic + "-" + n;
                pending.put(id, System.nanoTime());
                topic.publish(new HazelcastJsonValue("{\"command_id\":\"" + id + "\",\"device_id\":\"d" + n % DEVICES
                        + "\",\"action\":\"interval\",\"value\":250,\"sent_at\":" + System.currentTimeMillis() + "}"));
            }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
            long stopAt = start + WARMUP.toNanos() + duration.toNanos();
            while (System.nanoTime() < stopAt) {
                Sleep.millis(100);
            }
            publishing.cancel(false);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (answered.get() < published.get() && System.nanoTime() < deadline) {
                Sleep.millis(100);
            }
        } finally {
            publisher.shutdownNow();
            inKafka.close();
            cluster.member.getMap(statusMap).removeEntryListener(listener);
        }
        if (answered.get() < published.get()) {
            throw new IllegalStateException(transport + " command loop: " + answered.get() + " of " + published.get()
                    + " commands answered in " + statusMap);
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("  command loop over %s at %d/s: %d measured, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                transport, rate, sorted.length, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100));
        printLegs(legs);
        String note = String.format("(%,d commands measured after a %d s warm-up; max %.1f ms)", sorted.length,
                WARMUP.toSeconds(), percentile(sorted, 100));
        String caseName = "10. command round trip Hazelcast -> " + transport + " device -> Hazelcast at " + rate + "/s";
        return List.of(Result.atMost(caseName + ", p50", "p50", percentile(sorted, 50), "ms", 0, note),
                Result.atMost(caseName + ", p99", "p99", percentile(sorted, 99), "ms", P99_LIMIT_MS, note));
    }

    /**
     * The three legs of each round trip, so a slow percentile names its leg: Hazelcast to the device (Hazelcast
     * source, Kafka, MQTT or CoAP sink), the device to its answer readable in Kafka (broker and MQTT source, or the
     * CoAP sink's reporter), and Kafka to the status map (the Hazelcast sink).
     */
    private static void printLegs(List<double[]> legs) {
        synchronized (legs) {
            String[] names = {"Hazelcast -> device", "device -> answer readable in Kafka", "Kafka -> Hazelcast"};
            for (int leg = 0; leg < names.length; leg++) {
                int index = leg;
                double[] sorted = legs.stream().mapToDouble(times -> times[index]).sorted().toArray();
                System.out.printf("    %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", names[leg],
                        percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100));
            }
        }
    }

    private static double percentile(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percent / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Notes when each answer becomes readable in Kafka (by its first {@code command_id}), polling every 2 ms. */
    private static final class AnswersInKafka implements AutoCloseable {
        private static final Pattern COMMAND_ID = Pattern.compile("\"command_id\"\\s*:\\s*\"([^\"]+)\"");
        final Map<String, Long> readable = new ConcurrentHashMap<>();
        private final Thread reader;
        private volatile boolean running = true;

        AnswersInKafka(String bootstrapServers, String topic) {
            Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 2, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            reader = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(2))) {
                            long now = System.nanoTime();
                            Matcher id = COMMAND_ID.matcher(new String(record.value(), StandardCharsets.UTF_8));
                            if (id.find()) {
                                readable.putIfAbsent(id.group(1), now);
                            }
                        }
                    }
                }
            }, "bench-answers-in-kafka");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            reader.join(5_000);
        }
    }

    /** Told of each command whose answer reached the map: its id, when it was sent and now (System.nanoTime()). */
    @FunctionalInterface
    private interface RoundTrip {
        void done(String commandId, long sentNanos, long nowNanos);
    }

    /** Ends a command's round trip the first time its entry carries a result. */
    private static final class Answers implements EntryAddedListener<Object, Object>,
            EntryUpdatedListener<Object, Object> {
        private final Map<String, Long> pending;
        private final RoundTrip roundTrip;

        Answers(Map<String, Long> pending, RoundTrip roundTrip) {
            this.pending = pending;
            this.roundTrip = roundTrip;
        }

        @Override
        public void entryAdded(EntryEvent<Object, Object> event) {
            seen(event);
        }

        @Override
        public void entryUpdated(EntryEvent<Object, Object> event) {
            seen(event);
        }

        private void seen(EntryEvent<Object, Object> event) {
            long now = System.nanoTime();
            if (String.valueOf(event.getValue()).contains("\"result\"")) {
                String id = String.valueOf(event.getKey());
                Long sent = pending.remove(id);
                if (sent != null) {
                    roundTrip.done(id, sent, now);
                }
            }
        }
    }

    /**
     * An MQTT 5 device for every command topic: it answers each command on its response topic at once, with
     * TCP_NODELAY on its socket, as a device that answers quickly should.
     */
    private static final class MqttDevice implements AutoCloseable {
        private final MqttClient client;
        private final ExecutorService answering = Executors.newSingleThreadExecutor();
        private final Map<String, Long> reached;

        MqttDevice(String url, Map<String, Long> reached) throws MqttException {
            this.reached = reached;
            client = new MqttClient(url, "loop-bench-device-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            // as the connectors do: Paho leaves Nagle's algorithm on, which holds a small answer back until the
            // broker acknowledges the one before (40 ms and more with delayed ACKs)
            options.setSocketFactory(NoDelaySocketFactories.plain());
            client.connect(options);
            IMqttMessageListener onCommand = (topic, command) -> {
                reached.put(new String(command.getProperties().getCorrelationData(), StandardCharsets.UTF_8),
                        System.nanoTime());
                answering.execute(() -> answer(command));
            };
            client.subscribe(new MqttSubscription[] {new MqttSubscription("bench/+/cmd", 1)},
                    new IMqttMessageListener[] {onCommand});
        }

        private void answer(MqttMessage command) {
            MqttProperties properties = command.getProperties();
            MqttProperties reply = new MqttProperties();
            reply.setCorrelationData(properties.getCorrelationData());
            MqttMessage answer = new MqttMessage(("{\"command_id\":\"" + new String(properties.getCorrelationData(),
                    StandardCharsets.UTF_8) + "\",\"result\":\"ok\"}").getBytes(StandardCharsets.UTF_8));
            answer.setQos(1);
            answer.setProperties(reply);
            try {
                client.publish(properties.getResponseTopic(), answer);
            } catch (MqttException e) {
                throw new IllegalStateException("the bench device could not answer: " + e, e);
            }
        }

        @Override
        public void close() throws MqttException {
            answering.shutdownNow();
            client.disconnect();
            client.close();
        }
    }

    /** CoAP devices d0..d9 on 127.0.0.1: {@code actuators/<device>/interval} answers a PUT 2.04 with the command id. */
    private static final class CoapDevices implements AutoCloseable {
        static {
            CoapConfig.register();
            UdpConfig.register();
        }

        private final int port = FreePorts.udp();
        private final CoapServer server;
        private final Map<String, Long> reached;

        CoapDevices(Map<String, Long> reached) {
            this.reached = reached;
            Configuration config = Configuration.createStandardWithoutFile();
            config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
            server = new CoapServer(config);
            server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress("127.0.0.1", port)).build());
            CoapResource actuators = new CoapResource("actuators");
            for (int i = 0; i < DEVICES; i++) {
                CoapResource device = new CoapResource("d" + i);
                device.add(new Actuator(reached));
                actuators.add(device);
            }
            server.add(actuators);
            server.start();
        }

        @Override
        public void close() {
            server.destroy();
        }

        private static final class Actuator extends CoapResource {
            private final Map<String, Long> reached;

            Actuator(Map<String, Long> reached) {
                super("interval");
                this.reached = reached;
            }

            @Override
            public void handlePUT(CoapExchange exchange) {
                long now = System.nanoTime();
                String id;
                try {
                    id = READER.readTree(exchange.getRequestPayload()).path("command_id").asText();
                    reached.put(id, now);
                } catch (IOException e) {
                    exchange.respond(CoAP.ResponseCode.BAD_REQUEST, "not JSON: " + e.getMessage());
                    return;
                }
                exchange.respond(CoAP.ResponseCode.CHANGED, "{\"command_id\":\"" + id + "\",\"result\":\"ok\"}",
                        MediaTypeRegistry.APPLICATION_JSON);
            }
        }
    }
}
