package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.client.properties.ClientProperty;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.testing.ConfigEdges;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HazelcastSinkConfigTest {

    private static final String KCQL = "connect.hazelcast.kcql";
    private static final String GOOD = "INSERT INTO dev SELECT * FROM coap_sensor_topic WITHFORMAT JSON STOREAS QUEUE";

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put(KCQL, GOOD);
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : HazelcastSinkConfig.CONFIG_DEF.validate(props)) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void seedConfigIsValidWithDefaults() {
        assertThat(errors(props())).isEmpty();
        HazelcastSinkConfig config = new HazelcastSinkConfig(props());
        assertThat(config.cluster().members()).containsExactly("localhost:5701");
        assertThat(config.cluster().clusterName()).isEqualTo("dev");
        assertThat(config.batchSize()).isEqualTo(10_000);
        assertThat(new HazelcastSinkConfig(Map.of("connect.hazelcast.kcql", "INSERT INTO q SELECT * FROM t",
                "connect.hazelcast.cluster.members", "h:5701", "connect.hazelcast.batch.size", "500")).batchSize())
                .isEqualTo(500);
        assertThat(config.linger().toMillis()).isZero();
        assertThat(config.errorPolicy().policy()).isEqualTo(ErrorPolicy.RETRY);
        assertThat(config.errorPolicy().maxRetries()).isEqualTo(20);
        assertThat(config.statements()).singleElement().extracting(s -> s.target()).isEqualTo("dev");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "syntax error           | INSERT INTO q SELECT * FROM t STOREAS QUEUE oops            | line 1, column 45: unexpected 'oops'",
            "unsupported clause     | INSERT INTO q SELECT * FROM t WITHREGEX = `x`                | the Hazelcast sink does not support the WITHREGEX clause",
            "unknown STOREAS        | INSERT INTO q SELECT * FROM t STOREAS HASH                   | the Hazelcast sink cannot STOREAS HASH",
            "TTL on a queue         | INSERT INTO q SELECT * FROM t STOREAS QUEUE TTL = 5          | TTL applies to STOREAS IMAP, ICACHE and REPLICATED_MAP, not QUEUE",
            "PK on a ringbuffer     | INSERT INTO q SELECT * FROM t PK id STOREAS RING_BUFFER      | PK makes keys, but STOREAS RING_BUFFER has no keys",
            "UPSERT into a list     | UPSERT INTO q SELECT * FROM t STOREAS LIST                   | UPSERT replaces entries by key, but STOREAS LIST has no keys",
            "jsonValue with AVRO    | INSERT INTO m SELECT * FROM t WITHFORMAT AVRO STOREAS IMAP (jsonValue = true) | jsonValue = true stores JSON, so it needs WITHFORMAT JSON",
            "unknown parameter      | INSERT INTO m SELECT * FROM t STOREAS IMAP (backups = 2)     | STOREAS IMAP has no parameter 'backups'; it takes jsonValue, compactType, merge, version, sqlMapping",
            "bad overflow           | INSERT INTO r SELECT * FROM t STOREAS RING_BUFFER (overflow = DROP) | overflow is OVERWRITE or FAIL, not DROP",
            "unsupported format     | INSERT INTO m SELECT * FROM t WITHFORMAT MAP STOREAS IMAP    | does not support WITHFORMAT MAP",
            "merge on a replicated map | UPSERT INTO m SELECT * FROM t PK id STOREAS REPLICATED_MAP (merge = true) | merge = true needs an atomic compare-and-set per key, which REPLICATED_MAP does not have (its replicas converge by last write); use IMAP or ICACHE",
            "merge on a queue       | INSERT INTO q SELECT * FROM t STOREAS QUEUE (merge = true)   | STOREAS QUEUE has no parameter 'merge'",
            "version on a multimap  | UPSERT INTO m SELECT * FROM t PK id STOREAS MULTI_MAP (version = ts) | version = ts needs an atomic compare-and-set per key, which MULTI_MAP does not have",
            "merge of AVRO          | UPSERT INTO m SELECT * FROM t PK id WITHFORMAT AVRO STOREAS IMAP (merge = true) | merge = true reads the stored value's fields, so it needs WITHFORMAT JSON or COMPACT, not AVRO",
            "version not selected   | UPSERT INTO m SELECT id, temperature FROM t PK id STOREAS IMAP (version = ts) | version = ts compares the stored value's field 'ts', but the SELECT list does not store it",
            "version not a field    | UPSERT INTO m SELECT * FROM t PK id STOREAS IMAP (version = 'a.b') | version names a top-level value field, not 'a.b'",
            "merge not boolean      | UPSERT INTO m SELECT * FROM t PK id STOREAS IMAP (merge = yes) | merge is true or false, not yes",
            "compactType with JSON  | UPSERT INTO m SELECT * FROM t PK id STOREAS IMAP (compactType = 'X') | compactType names the type of Compact values, so it needs WITHFORMAT COMPACT, not JSON",
            "sqlMapping of strings  | UPSERT INTO m SELECT * FROM t PK id STOREAS IMAP (sqlMapping = true) | sqlMapping = true maps the value's fields for SQL, which needs values SQL can read: WITHFORMAT COMPACT or jsonValue = true",
            "sqlMapping on a cache  | UPSERT INTO m SELECT * FROM t PK id STOREAS ICACHE (sqlMapping = true) | STOREAS ICACHE has no parameter 'sqlMapping'",
            "one map, two ways      | UPSERT INTO m SELECT * FROM t PK id STOREAS IMAP (merge = true); UPSERT INTO m SELECT * FROM u PK id STOREAS IMAP | line 1, column 78: IMAP 'm' is written by statement 1 with merge = true; this statement writes it with merge = false: statements writing one structure share its writer, so they must agree on WITHFORMAT, STOREAS parameters, TTL and BATCH",
            "unclosed template      | INSERT INTO `t_${site` SELECT * FROM t STOREAS QUEUE | the target names a structure after the data with ${field}: '${' at character 3 of 't_${site' has no closing '}'",
            "template not a field   | INSERT INTO `t_${_header}` SELECT * FROM t STOREAS QUEUE | name the header: _header.<name>",
            "templated Compact      | UPSERT INTO `s_${site}` SELECT * FROM t PK id WITHFORMAT COMPACT STOREAS IMAP | a target named from the data has no one name for its Compact type; set compactType = 'Name'",
            "one ring, two batches  | INSERT INTO r SELECT * FROM t STOREAS RING_BUFFER BATCH = 10; INSERT INTO r SELECT * FROM u STOREAS RING_BUFFER | with BATCH = 10; this statement writes it with BATCH = default"})
    void badKcqlIsReportedOnTheKcqlKey(String what, String kcql, String message) {
        Map<String, List<String>> errors = errors(props(KCQL, kcql));
        assertThat(errors).containsOnlyKeys(KCQL);
        assertThat(errors.get(KCQL)).singleElement().asString().contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "connect.hazelcast.error.policy         | EXPLODE       | must be one of THROW, RETRY, NOOP",
            "connect.hazelcast.routing.mode         | SMART         | String must be one of (case insensitive): ALL_MEMBERS, SINGLE_MEMBER",
            "connect.hazelcast.cluster.members      | ' '           | must name at least one member",
            "connect.hazelcast.batch.size           | -1            | Value must be at least 0",
            "connect.hazelcast.max.in.flight        | 0             | Value must be at least 1",
            "connect.hazelcast.connection.timeout   | -1            | Value must be at least 0",
            "connect.hazelcast.connection.backoff.multiplier | 0.5  | Value must be at least 1.0",
            "connect.hazelcast.max.retries          | many          | Invalid value many"})
    void badValuesAreReportedOnTheirKeys(String key, String value, String message) {
        Map<String, List<String>> errors = errors(props(key, value));
        assertThat(errors).containsOnlyKeys(key);
        assertThat(errors.get(key)).anySatisfy(error -> assertThat(error).contains(message));
    }

    @Test
    void missingKcqlIsReported() {
        Map<String, String> props = props();
        props.remove(KCQL);
        assertThat(errors(props).get(KCQL)).singleElement().asString().contains("Missing required configuration");
    }

    @Test
    void streamReactorNamesAreApplied() {
        HazelcastSinkConfig config = new HazelcastSinkConfig(HazelcastSinkConfig.ALIASES.resolve(Map.of(
                "connect.hazelcast.sink.kcql", GOOD,
                "connect.hazelcast.sink.cluster.members", "10.0.0.1:5701,10.0.0.2",
                "connect.hazelcast.sink.group.name", "iot",
                "connect.hazelcast.sink.group.password", "dev-pass",
                "connect.hazelcast.parallel.write", "true",
                "connect.hazelcast.sink.retry.interval", "250")));
        assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2");
        assertThat(config.cluster().clusterName()).isEqualTo("iot");
        assertThat(config.errorPolicy().retryInterval().toMillis()).isEqualTo(250);
        assertThat(HazelcastSinkConfig.ALIASES.warnings(Map.of("connect.hazelcast.sink.group.password", "x",
                "connect.hazelcast.ssl.enabled", "true"))).containsExactly(
                "connect.hazelcast.sink.group.password is accepted but no longer applies: Hazelcast clusters have no "
                        + "group password since 4.0; use the client config file (connect.hazelcast.client.config) for "
                        + "security settings",
                "connect.hazelcast.ssl.enabled is accepted but no longer applies: TLS needs the Hazelcast Enterprise "
                        + "client; configure it in the client config file (connect.hazelcast.client.config)");
    }

    @Test
    void streamReactorErrorAndBatchNamesAreApplied() {
        HazelcastSinkConfig config = new HazelcastSinkConfig(HazelcastSinkConfig.ALIASES.resolve(Map.of(
                "connect.hazelcast.sink.kcql", GOOD,
                "connect.hazelcast.sink.error.policy", "THROW",
                "connect.hazelcast.sink.batch.size", "500",
                "connect.hazelcast.max.retires", "3")));
        assertThat(config.errorPolicy().policy()).isEqualTo(ErrorPolicy.THROW);
        assertThat(config.errorPolicy().maxRetries()).isEqualTo(3);
        assertThat(config.batchSize()).isEqualTo(500);
        assertThat(new HazelcastSinkConfig(HazelcastSinkConfig.ALIASES.resolve(Map.of(
                "connect.hazelcast.kcql", GOOD, "connect.hazelcast.sink.max.retries", "7")))
                .errorPolicy().maxRetries()).isEqualTo(7);
    }

    @Test
    void connectorValidateReportsOldAndNewNameConflictOnTheNewName() {
        Map<String, String> props = props("connect.hazelcast.group.name", "a", "connect.hazelcast.cluster.name", "b",
                "connect.hazelcast.cluster.connect.timeout", "500", "connect.hazelcast.cluster.members",
                "127.0.0.1:" + freePort());
        Map<String, List<String>> errors = new HashMap<>();
        new HazelcastSinkConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty()).forEach(v -> errors.put(v.name(), v.errorMessages()));
        assertThat(errors).containsOnlyKeys("connect.hazelcast.cluster.name");
        assertThat(errors.get("connect.hazelcast.cluster.name")).singleElement().asString()
                .contains("both connect.hazelcast.cluster.name and its old name connect.hazelcast.group.name are set");
    }

    @Test
    void connectorValidateChecksTopicsAgainstTheStatements() {
        assertThat(HazelcastSinkConnector.topicMismatch(props("topics", "coap_sensor_topic"))).isEmpty();
        assertThat(HazelcastSinkConnector.topicMismatch(props("topics.regex", "coap_.*"))).isEmpty();
        assertThat(HazelcastSinkConnector.topicMismatch(props("topics", "coap_sensor_topic, other"))).hasValue(
                "no KCQL statement reads the topics [other] listed in topics; add a statement FROM each of them or "
                        + "remove them from topics");
        assertThat(HazelcastSinkConnector.topicMismatch(props("topics", "coap_sensor_topic",
                KCQL, GOOD + "; INSERT INTO m SELECT * FROM extra STOREAS IMAP"))).hasValue(
                "KCQL statements read [extra], which are not in topics [coap_sensor_topic]; add them to topics");
        Map<String, List<String>> errors = new HashMap<>();
        new HazelcastSinkConnector().validate(props("topics", "elsewhere")).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty()).forEach(v -> errors.put(v.name(), v.errorMessages()));
        assertThat(errors).containsOnlyKeys(KCQL);
    }

    @Test
    void connectorValidateReportsAnUnreachableClusterOnTheMembersKey() {
        int port = freePort();
        Map<String, List<String>> errors = new HashMap<>();
        new HazelcastSinkConnector().validate(props("connect.hazelcast.cluster.members", "127.0.0.1:" + port,
                        "connect.hazelcast.cluster.connect.timeout", "1000")).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty()).forEach(v -> errors.put(v.name(), v.errorMessages()));
        assertThat(errors).containsOnlyKeys(HazelcastClusterConfig.MEMBERS_CONFIG);
        assertThat(errors.get(HazelcastClusterConfig.MEMBERS_CONFIG)).singleElement().asString()
                .startsWith("Cannot reach the Hazelcast cluster 'dev' at [127.0.0.1:" + port + "] within 1000 ms");
    }

    @Test
    void connectorValidatePassesWhenTheClusterIsThere() {
        try (HazelcastMembers members = new HazelcastMembers(1)) {
            assertThat(new HazelcastSinkConnector().validate(props("connect.hazelcast.cluster.members",
                            members.addresses(), "connect.hazelcast.cluster.name", members.clusterName()))
                    .configValues()).allMatch(v -> v.errorMessages().isEmpty());
        }
    }

    @Test
    void clientConfigFileIsTheBaseAndExplicitKeysWin(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("client.yaml");
        Files.writeString(file, """
                hazelcast-client:
                  cluster-name: from-file
                  network:
                    cluster-members:
                      - 10.1.1.1:5701
                """);
        ClientConfig fromFile = HazelcastClients.clientConfig(new HazelcastSinkConfig(props(
                "connect.hazelcast.client.config", file.toString())).cluster(), "t", 1000);
        assertThat(fromFile.getClusterName()).isEqualTo("from-file");
        assertThat(fromFile.getNetworkConfig().getAddresses()).containsExactly("10.1.1.1:5701");

        ClientConfig overridden = HazelcastClients.clientConfig(new HazelcastSinkConfig(props(
                "connect.hazelcast.client.config", file.toString(), "connect.hazelcast.cluster.name", "explicit",
                "connect.hazelcast.routing.mode", "single_member")).cluster(), "t", 1000);
        assertThat(overridden.getClusterName()).isEqualTo("explicit");
        assertThat(overridden.getNetworkConfig().getAddresses()).containsExactly("10.1.1.1:5701");
        assertThat(overridden.getNetworkConfig().getClusterRoutingConfig().getRoutingMode())
                .isEqualTo(RoutingMode.SINGLE_MEMBER);
    }

    @Test
    void settingsReachTheClientConfig() {
        ClientConfig client = HazelcastClients.clientConfig(new HazelcastSinkConfig(props(
                "connect.hazelcast.cluster.members", "h1:5701, h2", "connect.hazelcast.connection.timeout", "1234",
                "connect.hazelcast.connection.backoff.initial", "11", "connect.hazelcast.connection.backoff.max", "22",
                "connect.hazelcast.connection.tcp.no.delay", "false", "connect.hazelcast.client.labels", "iot,edge")).cluster(),
                "name-1", 9999);
        assertThat(client.getNetworkConfig().getAddresses()).containsExactly("h1:5701", "h2");
        assertThat(client.getNetworkConfig().getConnectionTimeout()).isEqualTo(1234);
        var retry = client.getConnectionStrategyConfig().getConnectionRetryConfig();
        assertThat(retry.getClusterConnectTimeoutMillis()).isEqualTo(9999);
        assertThat(retry.getInitialBackoffMillis()).isEqualTo(11);
        assertThat(retry.getMaxBackoffMillis()).isEqualTo(22);
        assertThat(client.getNetworkConfig().getSocketOptions().isTcpNoDelay()).isFalse();
        assertThat(client.getLabels()).containsExactlyInAnyOrder("iot", "edge");
        assertThat(client.getInstanceName()).isEqualTo("name-1");
    }

    /**
     * Without this, a call whose owner dies before the backup acknowledges it still counts as done: the probe in
     * LargeCollectionCallsMemberKillIT lost a whole acknowledged 1,000-item addAll that way.
     */
    @Test
    void anUnconfirmedBackupFailsTheCallSoTheBatchIsRetried(@TempDir Path dir) throws IOException {
        ClientConfig plain = HazelcastClients.clientConfig(new HazelcastSinkConfig(props()).cluster(), "t", 1000);
        assertThat(plain.getProperty(ClientProperty.FAIL_ON_INDETERMINATE_OPERATION_STATE.getName())).isEqualTo("true");
        assertThat(plain.isBackupAckToClientEnabled()).as("the owner waits for its backups before it answers").isFalse();
        Path file = Files.writeString(dir.resolve("client.yaml"), """
                hazelcast-client:
                  properties:
                    hazelcast.client.operation.fail.on.indeterminate.state: false
                  backup-ack-to-client-enabled: true
                """);
        ClientConfig fromFile = HazelcastClients.clientConfig(new HazelcastSinkConfig(props(
                "connect.hazelcast.client.config", file.toString())).cluster(), "t", 1000);
        assertThat(fromFile.getProperty(ClientProperty.FAIL_ON_INDETERMINATE_OPERATION_STATE.getName()))
                .as("the sink's no-loss guarantee depends on it, whatever the file says").isEqualTo("true");
        assertThat(fromFile.isBackupAckToClientEnabled()).isFalse();
    }

    @Test
    void missingClientConfigFileIsAClearError() {
        assertThatThrownBy(() -> HazelcastClients.clientConfig(new HazelcastSinkConfig(props(
                "connect.hazelcast.client.config", "/nowhere/client.xml")).cluster(), "t", 1000))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connect.hazelcast.client.config")
                .hasMessageContaining("does not exist or cannot be read");
    }

    @Test
    void committedConfigReferenceMatchesTheConfigDef() throws IOException {
        Path doc = Path.of("..", "docs", "hazelcast-sink-config.md");
        assertThat(Files.readString(doc)).as("regenerate with: mvn -q install -DskipTests && mvn -q -pl connect-hazelcast-sink exec:java")
                .isEqualTo(ConfigDocs.markdown("Hazelcast sink configuration", HazelcastSinkConfig.CONFIG_DEF));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyKeySetToNullOrEmptyGetsAClearErrorOnItOrWorks() {
        try (HazelcastMembers members = new HazelcastMembers(1)) {
            ConfigEdges.everyKeyTakesNullAndEmpty(HazelcastSinkConfig.CONFIG_DEF,
                    p -> new HazelcastSinkConnector().validate(p), HazelcastSinkConfig::new,
                    members.sinkProps(GOOD));
        }
    }

    @Test
    void aValueOfTheWrongTypeGetsOneError() {
        List<String> errors = new HazelcastSinkConnector().validate(props("connect.hazelcast.batch.size", "abc"))
                .configValues().stream().filter(v -> v.name().equals("connect.hazelcast.batch.size")).findFirst()
                .orElseThrow().errorMessages();
        assertThat(errors).singleElement().asString().contains("abc");
    }
}
