package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.hazelcast.HazelcastClusterConfig;
import io.streamgrid.hazelcast.HazelcastSinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HazelcastSourceConfigTest {

    private static final String KCQL = "connect.hazelcast.kcql";

    private static Map<String, String> props(String kcql, String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put(KCQL, kcql);
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : HazelcastSourceConfig.CONFIG_DEF.validate(props)) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void defaults() {
        HazelcastSourceConfig config = new HazelcastSourceConfig(props(
                "INSERT INTO commands SELECT * FROM cmds WITHTYPE RELIABLE_TOPIC"));
        assertThat(config.gapPolicy()).isEqualTo(HazelcastSourceConfig.GapPolicy.FAIL);
        assertThat(config.cluster().members()).containsExactly("localhost:5701");
        assertThat(config.cluster().clusterName()).isEqualTo("dev");
        assertThat(config.cluster().clientName()).isEqualTo("streamgrid-hazelcast-source");
        assertThat(config.slice()).isEqualTo(new HazelcastSourceConfig.TaskSlice(0, 1));
        assertThat(config.queue().size()).isEqualTo(10_000);
        assertThat(config.deadLetterTopic()).isNull();
    }

    @Test
    void theClusterKeysAreTheSinksWithTheSameMeanings() {
        for (ConfigDef.ConfigKey source : HazelcastSourceConfig.CONFIG_DEF.configKeys().values()) {
            if (!source.group.equals(HazelcastClusterConfig.CLUSTER_GROUP)
                    && !source.group.equals(HazelcastClusterConfig.SOCKET_GROUP)) {
                continue;
            }
            ConfigDef.ConfigKey sink = HazelcastSinkConfig.CONFIG_DEF.configKeys().get(source.name);
            assertThat(sink).as(source.name).isNotNull();
            assertThat(source.type).as(source.name).isEqualTo(sink.type);
            assertThat(source.defaultValue).as(source.name).isEqualTo(sink.defaultValue);
            assertThat(String.valueOf(source.validator)).as(source.name).isEqualTo(String.valueOf(sink.validator));
        }
        assertThat(HazelcastSourceConfig.CONFIG_DEF.configKeys()).containsKeys(HazelcastClusterConfig.MEMBERS_CONFIG,
                HazelcastClusterConfig.CLUSTER_OUTAGE_TIMEOUT_CONFIG, HazelcastClusterConfig.CLIENT_CONFIG_FILE_CONFIG);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no WITHTYPE            | INSERT INTO t SELECT * FROM cmds                                   | line 1, column 29: the Hazelcast source needs a WITHTYPE clause",
            "unknown type           | INSERT INTO t SELECT * FROM q WITHTYPE QUEUE                       | line 1, column 40: the Hazelcast source cannot read WITHTYPE QUEUE; use one of MAP_JOURNAL, RELIABLE_TOPIC, RING_BUFFER",
            "STOREAS                | INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER STOREAS QUEUE   | line 1, column 52: the Hazelcast source does not support the STOREAS clause",
            "WITHKEY on a journal   | INSERT INTO t SELECT * FROM m WITHTYPE MAP_JOURNAL WITHKEY(id)     | line 1, column 52: the key of a MAP_JOURNAL record is the map entry's key",
            "envelope on a topic    | INSERT INTO t SELECT * FROM c WITHTYPE RELIABLE_TOPIC PROPERTIES('envelope' = 'true') | line 1, column 55: envelope = true writes a map change's event, key, old and new value; it needs WITHTYPE MAP_JOURNAL, not RELIABLE_TOPIC",
            "bad start              | INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER PROPERTIES('start' = 'now') | start is 'earliest' or 'latest', not 'now'",
            "unknown property       | INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER PROPERTIES('qos' = '1') | the Hazelcast source has no property 'qos'; it takes 'start', 'envelope' and 'headers'",
            "headers not a boolean  | INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER PROPERTIES('headers' = 'no') | line 1, column 52: headers is 'true' or 'false', not 'no'",
            "BATCH over 1000        | INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER BATCH = 5000    | BATCH is at most 1000 (Hazelcast reads at most that many items per call), not 5000",
            "bad Kafka topic        | INSERT INTO `a b` SELECT * FROM r WITHTYPE RING_BUFFER             | line 1, column 14: 'a b' is not a Kafka topic name",
            "header in the name     | INSERT INTO `t_${_header.x}` SELECT * FROM r WITHTYPE RING_BUFFER  | '${_header.x}' is neither a field of the value nor the key",
            "starts that differ     | INSERT INTO a SELECT * FROM r WITHTYPE RING_BUFFER; INSERT INTO b SELECT * FROM r WITHTYPE RING_BUFFER PROPERTIES('start' = 'latest') | line 1, column 104: start = 'latest', but the statement before it on RING_BUFFER 'r' starts at 'earliest'",
    })
    void kcqlErrorsAreReportedOnTheKcqlKeyWithTheirPosition(String what, String kcql, String expected) {
        Map<String, List<String>> errors = errors(props(kcql));
        assertThat(errors).as(what).containsOnlyKeys(KCQL);
        assertThat(errors.get(KCQL)).singleElement().asString().contains(expected);
    }

    @Test
    void aBadGapPolicyIsAnErrorOnItsKey() {
        Map<String, List<String>> errors = errors(props("INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER",
                HazelcastSourceConfig.GAP_POLICY_CONFIG, "IGNORE"));
        assertThat(errors).containsOnlyKeys(HazelcastSourceConfig.GAP_POLICY_CONFIG);
    }

    @Test
    void dlqWithoutATopicIsAnErrorOnTheTopicKey() {
        Map<String, String> props = props("INSERT INTO t SELECT * FROM r WITHTYPE RING_BUFFER",
                "connect.hazelcast.source.bad.message.policy", "DLQ");
        List<ConfigValue> values = new HazelcastSourceConnector().validate(props).configValues();
        assertThat(values).filteredOn(v -> !v.errorMessages().isEmpty()).singleElement()
                .satisfies(v -> assertThat(v.name()).isEqualTo("connect.hazelcast.source.dead.letter.topic"));
    }

    @Test
    void ringbuffersAndTopicsAreSpreadAndEveryTaskReadsItsShareOfEachJournal() {
        Map<String, String> props = props("INSERT INTO a SELECT * FROM r1 WITHTYPE RING_BUFFER; "
                + "INSERT INTO b SELECT * FROM m WITHTYPE MAP_JOURNAL; "
                + "INSERT INTO c SELECT * FROM t1 WITHTYPE RELIABLE_TOPIC; "
                + "INSERT INTO d SELECT * FROM r1 WITHTYPE RING_BUFFER WHERE x > 1; "
                + "INSERT INTO e SELECT * FROM r2 WITHTYPE RING_BUFFER");
        HazelcastSourceConnector connector = new HazelcastSourceConnector();
        connector.start(props);

        List<Map<String, String>> configs = connector.taskConfigs(2);

        assertThat(configs).hasSize(2);
        assertThat(configs.get(0).get(KCQL)).isEqualTo("INSERT INTO b SELECT * FROM m WITHTYPE MAP_JOURNAL;\n"
                + "INSERT INTO a SELECT * FROM r1 WITHTYPE RING_BUFFER;\n"
                + "INSERT INTO d SELECT * FROM r1 WITHTYPE RING_BUFFER WHERE x > 1;\n"
                + "INSERT INTO e SELECT * FROM r2 WITHTYPE RING_BUFFER");
        assertThat(configs.get(1).get(KCQL)).isEqualTo("INSERT INTO b SELECT * FROM m WITHTYPE MAP_JOURNAL;\n"
                + "INSERT INTO c SELECT * FROM t1 WITHTYPE RELIABLE_TOPIC");
        assertThat(configs).extracting(c -> c.get("connect.hazelcast.source.task.slice")).containsExactly("0/2", "1/2");
        assertThat(configs).extracting(c -> c.get("streamgrid.task.id")).containsExactly("0", "1");
        configs.forEach(HazelcastSourceConfig::new);
    }

    @Test
    void withoutJournalsThereAreNoMoreTasksThanStructures() {
        HazelcastSourceConnector connector = new HazelcastSourceConnector();
        connector.start(props("INSERT INTO a SELECT * FROM r1 WITHTYPE RING_BUFFER"));
        assertThat(connector.taskConfigs(4)).hasSize(1);
    }

    @Test
    void itDeclaresExactlyOnceSupport() {
        assertThat(new HazelcastSourceConnector().exactlyOnceSupport(Map.of())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void committedReferenceMatchesTheConfig() throws IOException {
        Path doc = Path.of("..", "docs", "hazelcast-source-config.md");
        assertThat(Files.readString(doc)).as("regenerate with: mvn -q install -DskipTests && "
                + "mvn -q -pl connect-hazelcast-sink exec:java@source-config")
                .isEqualTo(ConfigDocs.markdown("Hazelcast source configuration", HazelcastSourceConfig.CONFIG_DEF));
    }
}
