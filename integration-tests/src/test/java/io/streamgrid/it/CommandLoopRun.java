package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The command loop of docs/command-and-control.md on the reliability suite's cluster, for one scenario: commands
 * published to a Hazelcast reliable topic, the Hazelcast source to Kafka, the MQTT sink to MQTT 5 devices
 * ({@link RespondingDevices}) with a response topic and the command id as correlation data, the devices' answers
 * through the MQTT source back to Kafka, and the Hazelcast sink merging commands and answers into a status map by
 * command id (an answer also appended to a list, to count answers written twice). The sinks' consumers leave the
 * group 10 s after their worker dies (not the default 45 s), as docs/reliability.md recommends.
 */
final class CommandLoopRun implements AutoCloseable {

    private static final String JSON = "org.apache.kafka.connect.json.JsonConverter";
    private static final String STRING = "org.apache.kafka.connect.storage.StringConverter";

    private final KafkaRelease kafka;
    private final MemberProcesses members;
    private final String name;
    private final RespondingDevices devices;
    private final List<String> connectors = new ArrayList<>();

    CommandLoopRun(KafkaRelease kafka, Mosquitto broker, MemberProcesses members, String name) throws Exception {
        this.kafka = kafka;
        this.members = members;
        this.name = name;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(commandTopic(), 2, (short) 1), new NewTopic(answerTopic(), 2,
                    (short) 1))).all().get();
        }
        devices = new RespondingDevices(broker.url(), "loop/" + name);
        try {
            postConnectors(broker);
        } catch (RuntimeException e) {
            close(); // what did start must not run on into the next scenario
            throw e;
        }
    }

    private void postConnectors(Mosquitto broker) {
        String hazelcast = members.addresses();
        post("hzsource-" + name, 1, Map.of(
                "connector.class", "io.streamgrid.hazelcast.source.HazelcastSourceConnector",
                "value.converter", JSON, "value.converter.schemas.enable", "false",
                "producer.override.linger.ms", "0",
                "connect.hazelcast.cluster.members", hazelcast,
                "connect.hazelcast.cluster.name", members.clusterName(),
                "connect.hazelcast.kcql", "INSERT INTO " + commandTopic() + " SELECT * FROM commands_" + name
                        + " WITHTYPE RELIABLE_TOPIC WITHKEY(device_id) PROPERTIES('start' = 'earliest')"));
        post("mqttsink-" + name, 1, Map.of(
                "connector.class", "io.streamgrid.mqtt.sink.MqttSinkConnector",
                "topics", commandTopic(),
                "value.converter", JSON, "value.converter.schemas.enable", "false",
                "consumer.override.session.timeout.ms", "10000",
                "connect.mqtt.hosts", broker.url(),
                "connect.mqtt.client.id", "loop-sink-" + name,
                "connect.mqtt.version", "5",
                "connect.mqtt.kcql", "INSERT INTO loop/" + name + "/${device_id}/cmd SELECT * FROM " + commandTopic()
                        + " PROPERTIES('qos' = '1', 'response.topic' = 'loop/" + name + "/${device_id}/cmd/response', "
                        + "'correlation.data' = '${command_id}')"));
        post("mqtt-" + name, 1, Map.of(
                "connector.class", "io.streamgrid.mqtt.MqttSourceConnector",
                "value.converter", JSON, "value.converter.schemas.enable", "false",
                "producer.override.linger.ms", "0",
                "connect.mqtt.hosts", broker.url(),
                "connect.mqtt.client.id", "loop-answers-" + name,
                "connect.mqtt.version", "5",
                "connect.mqtt.service.quality", "1",
                "connect.mqtt.kcql", "INSERT INTO " + answerTopic() + " SELECT * FROM loop/" + name
                        + "/+/cmd/response WITHCONVERTER=`json` WITHKEY(command_id)"));
        post("sink-" + name, 1, Map.of(
                "connector.class", "io.streamgrid.hazelcast.HazelcastSinkConnector",
                "topics", commandTopic() + "," + answerTopic(),
                "value.converter", STRING,
                "consumer.override.session.timeout.ms", "10000",
                "connect.hazelcast.cluster.members", hazelcast,
                "connect.hazelcast.cluster.name", members.clusterName(),
                "connect.hazelcast.kcql", "UPSERT INTO " + statusMap() + " SELECT command_id, device_id, sent_at FROM "
                        + commandTopic() + " PK command_id STOREAS IMAP (merge = true, jsonValue = true);"
                        + "UPSERT INTO " + statusMap() + " SELECT command_id, result, received_at AS delivered_at FROM "
                        + answerTopic() + " PK command_id STOREAS IMAP (merge = true, jsonValue = true);"
                        + "INSERT INTO answers_" + name + " SELECT command_id FROM " + answerTopic() + " STOREAS LIST"));
        awaitRunning();
    }

    private String commandTopic() {
        return "loop_commands_" + name;
    }

    private String answerTopic() {
        return "loop_answers_" + name;
    }

    private String statusMap() {
        return "command_status_" + name;
    }

    private void post(String connector, int tasks, Map<String, String> settings) {
        Map<String, String> config = new HashMap<>(settings);
        config.put("tasks.max", String.valueOf(tasks));
        config.put("key.converter", STRING);
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector(connector, config));
        connectors.add(connector);
    }

    /** An operator publishing {@code count} commands, {@code perSecond} a second, to 10 devices in turn. */
    CompletableFuture<Void> publish(int count, int perSecond) {
        ITopic<Object> topic = members.client().getReliableTopic("commands_" + name);
        return CompletableFuture.runAsync(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                topic.publish(new HazelcastJsonValue("{\"command_id\":\"" + id(i) + "\",\"device_id\":\"d" + i % 10
                        + "\",\"action\":\"interval\",\"value\":250,\"sent_at\":" + System.currentTimeMillis() + "}"));
                long ahead = start + (i + 1) * 1_000_000_000L / perSecond - System.nanoTime();
                if (ahead > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        });
    }

    private static String id(int i) {
        return "c-" + i;
    }

    /** Commands answered in the status map so far. */
    long answered() {
        return status().values().stream().filter(v -> v.toString().contains("\"result\":\"ok\"")).count();
    }

    private IMap<Object, Object> status() {
        return members.client().getMap(statusMap());
    }

    /**
     * Every command reached a device (at least once) and every answer is in the status map; prints how many
     * commands devices got twice and how many answers Hazelcast got twice.
     */
    void assertEveryCommandAnswered(String scenario, int sent) {
        await(scenario + ": every command answered in the status map").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> assertThat(answered()).isEqualTo(sent));
        for (int i = 0; i < sent; i++) {
            assertThat(devices.receivedCommand(id(i))).as(scenario + ": command " + id(i) + " reached its device")
                    .isTrue();
            assertThat(status().get(id(i)).toString()).as(scenario + ": " + id(i) + " in the status map")
                    .contains("\"device_id\":\"d" + i % 10 + "\"", "\"result\":\"ok\"", "\"delivered_at\":");
        }
        int answers = members.client().getList("answers_" + name).size();
        System.out.printf("RELIABILITY | %s | commands %d | lost %d | commands delivered twice %d | answers written "
                + "twice %d%n", scenario, sent, sent - devices.distinct(), devices.deliveries() - devices.distinct(),
                answers - sent);
        assertThat(devices.distinct()).as(scenario + ": distinct commands at the devices").isEqualTo(sent);
        assertThat(answers).as(scenario + ": answers written to Hazelcast").isGreaterThanOrEqualTo(sent);
    }

    /** Waits until every connector of the loop runs (a worker that came back took some of its tasks). */
    void awaitRunning() {
        connectors.forEach(connector -> ConnectRest.awaitRunning(kafka.restUrl(), connector, 1));
    }

    @Override
    public void close() throws MqttException {
        connectors.forEach(connector -> ConnectRest.delete(kafka.restUrl(), connector));
        devices.close();
    }
}
