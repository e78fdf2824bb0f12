package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.metrics.TaskIds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How a client-mode connector hands its servers to its tasks: a connector of one task gives it its own config, so
 * ten thousand observed resources do not become a list of ten thousand units in the task's config (which Connect
 * writes to its config topic), and the task still reads every one.
 */
class TaskUnitsTest {

    private static final int SERVERS = 1000;

    private static Map<String, String> connectorConfig() {
        Map<String, String> props = new HashMap<>();
        props.put("connect.coap.uri", IntStream.range(0, SERVERS)
                .mapToObj(i -> "coap://10.0." + i / 250 + "." + i % 250 + ":5683").collect(Collectors.joining(",")));
        props.put("connect.coap.kcql", "INSERT INTO t SELECT * FROM sensors/r0; INSERT INTO t SELECT * FROM "
                + "sensors/r1; INSERT INTO u SELECT * FROM coap://gateway:5683/z");
        return props;
    }

    private static List<Map<String, String>> taskConfigs(Map<String, String> props, int maxTasks) {
        CoapSourceConnector connector = new CoapSourceConnector();
        connector.start(props);
        return connector.taskConfigs(maxTasks);
    }

    private static TaskUnits units(Map<String, String> taskConfig) {
        CoapSourceConfig config = new CoapSourceConfig(taskConfig);
        return TaskUnits.of(taskConfig, config.statements().stream().map(CoapStatement::compile).toList(),
                config.servers());
    }

    @Test
    void oneTaskGetsTheConnectorsConfigWithoutAListOfUnitsAndReadsEveryUnit() {
        Map<String, String> props = connectorConfig();
        List<Map<String, String>> tasks = taskConfigs(props, 1);

        assertThat(tasks).hasSize(1);
        Map<String, String> task = tasks.get(0);
        assertThat(task).as("no list of 2,001 units, no share").doesNotContainKeys(TaskUnits.UNITS_CONFIG,
                TaskUnits.SHARE_CONFIG);
        Map<String, String> withoutId = new HashMap<>(task);
        assertThat(withoutId.remove(TaskIds.TASK_ID_CONFIG)).isEqualTo("0");
        assertThat(withoutId).as("the connector's config as it is").isEqualTo(props);

        TaskUnits units = units(task);
        assertThat(units.units()).as("two statements on each of the 1,000 servers, one on its own URI")
                .hasSize(2 * SERVERS + 1);
        assertThat(units.serverCount()).isEqualTo(SERVERS + 1);
        assertThat(units.owns(CoapUri.server("coap://10.9.9.9:5683"))).as("every server a directory may list")
                .isTrue();
    }

    @Test
    void moreTasksThanUnitsIsOneTaskWithTheConnectorsConfig() {
        Map<String, String> props = new HashMap<>();
        props.put("connect.coap.uri", "coap://10.0.0.1:5683");
        props.put("connect.coap.kcql", "INSERT INTO t SELECT * FROM sensors/r0");

        List<Map<String, String>> tasks = taskConfigs(props, 4);

        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0)).doesNotContainKeys(TaskUnits.UNITS_CONFIG, TaskUnits.SHARE_CONFIG);
        assertThat(units(tasks.get(0)).units()).extracting(u -> u.statement().resource() + "@" + u.server().base())
                .containsExactly("sensors/r0@coap://10.0.0.1:5683");
    }

    @Test
    void severalTasksStillGetTheirShareOfTheUnits() {
        List<Map<String, String>> tasks = taskConfigs(connectorConfig(), 3);

        assertThat(tasks).hasSize(3).allSatisfy(task -> assertThat(task).containsKeys(TaskUnits.UNITS_CONFIG,
                TaskUnits.SHARE_CONFIG));
        assertThat(tasks.stream().mapToInt(task -> units(task).units().size()).sum()).as("every unit on one task")
                .isEqualTo(2 * SERVERS + 1);
    }
}
