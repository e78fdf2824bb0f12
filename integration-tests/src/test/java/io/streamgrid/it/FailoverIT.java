package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;

/** Two workers: the tasks spread over both; one worker stops, its tasks move, and no record is lost. */
class FailoverIT {

    private static final String TOPIC = "readings_failover";
    private static final int TOTAL = 2000;

    @Test
    void tasksMoveToTheRemainingWorkerAndEveryRecordArrives() throws Exception {
        try (ConnectCluster cluster = new ConnectCluster("failover", 2)) {
            cluster.connect.assertions().assertAtLeastNumWorkersAreUp(2, "two workers");
            cluster.connect.kafka().createTopic(TOPIC, 2);
            ObjectNode body = ConnectCluster.example("hazelcast-sink-mqtt", Map.of(
                    "topics", TOPIC,
                    "tasks.max", "2",
                    "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                    "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                    "connect.hazelcast.cluster.members", cluster.hazelcastAddress(),
                    "connect.hazelcast.kcql", "INSERT INTO failover_state SELECT * FROM " + TOPIC + " STOREAS IMAP"));
            body.put("name", "hazelcast-failover");
            String connector = cluster.post(body);
            cluster.awaitRunning(connector, 2);

            JsonNode status = cluster.get("connectors/" + connector + "/status");
            Set<String> workersWithTasks = new HashSet<>();
            status.get("tasks").forEach(t -> workersWithTasks.add(t.get("worker_id").asText()));
            assertThat(workersWithTasks).as("the two tasks run on both workers").hasSize(2);

            for (int i = 0; i < TOTAL / 2; i++) {
                cluster.connect.kafka().produce(TOPIC, i % 2, "r-" + i, "{\"n\":" + i + "}");
            }
            WorkerHandle stopped = cluster.connect.workers().iterator().next();
            cluster.connect.removeWorker(stopped);
            for (int i = TOTAL / 2; i < TOTAL; i++) {
                cluster.connect.kafka().produce(TOPIC, i % 2, "r-" + i, "{\"n\":" + i + "}");
            }

            cluster.connect.assertions().assertAtLeastNumWorkersAreUp(1, "one worker left");
            // the status shows the stopped worker's task until the group has rebalanced: wait for the move
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                JsonNode after = cluster.get("connectors/" + connector + "/status");
                Set<String> workersAfter = new HashSet<>();
                after.get("tasks").forEach(t -> {
                    assertThat(t.get("state").asText()).as("task %s", t.get("id")).isEqualTo("RUNNING");
                    workersAfter.add(t.get("worker_id").asText());
                });
                assertThat(after.get("tasks")).hasSize(2);
                assertThat(workersAfter).as("both tasks now run on the remaining worker").hasSize(1);
            });

            IMap<Object, Object> state = cluster.hazelcast.getMap("failover_state");
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(state.size()).isEqualTo(TOTAL));
            for (int i = 0; i < TOTAL; i += 97) {
                assertThat(state.get("r-" + i)).isEqualTo("{\"n\":" + i + "}");
            }
        }
    }
}
