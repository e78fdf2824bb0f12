package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.EventJournalConfig;
import com.hazelcast.config.MapConfig;
import io.streamgrid.hazelcast.HazelcastMembers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** validate() against a real member: the cluster is reachable, and every map read WITHTYPE MAP_JOURNAL has one. */
@Timeout(60)
class HazelcastSourceConnectorTest {

    private static HazelcastMembers members;

    @BeforeAll
    static void startMember() {
        members = new HazelcastMembers(1, config -> config.addMapConfig(new MapConfig("journal-*")
                .setEventJournalConfig(new EventJournalConfig().setEnabled(true))));
    }

    @AfterAll
    static void stopMember() {
        members.close();
    }

    private static Map<String, List<String>> errors(String kcql, String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.hazelcast.kcql", kcql);
        props.put("connect.hazelcast.cluster.members", members.addresses());
        props.put("connect.hazelcast.cluster.name", members.clusterName());
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return new HazelcastSourceConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void aReachableClusterAndEnabledJournalsPass() {
        assertThat(errors("INSERT INTO a SELECT * FROM journal-a WITHTYPE MAP_JOURNAL; "
                + "INSERT INTO b SELECT * FROM commands WITHTYPE RELIABLE_TOPIC")).isEmpty();
    }

    @Test
    void aMapWithoutAnEventJournalIsAnErrorOnTheKcqlKeyWithTheConfigThatEnablesIt() {
        Map<String, List<String>> errors = errors("INSERT INTO a SELECT * FROM device-state WITHTYPE MAP_JOURNAL");
        assertThat(errors).containsOnlyKeys("connect.hazelcast.kcql");
        assertThat(errors.get("connect.hazelcast.kcql")).singleElement().asString()
                .startsWith("WITHTYPE MAP_JOURNAL reads the event journal of map 'device-state', which is not "
                        + "enabled on the cluster's members.")
                .contains("hazelcast:\n  map:\n    device-state:\n      event-journal:\n        enabled: true\n")
                .contains("<map name=\"device-state\"><event-journal enabled=\"true\">");
    }

    @Test
    void anUnreachableClusterIsAnErrorOnTheMembersKey() {
        Map<String, List<String>> errors = errors("INSERT INTO a SELECT * FROM r WITHTYPE RING_BUFFER",
                "connect.hazelcast.cluster.members", "127.0.0.1:1", "connect.hazelcast.cluster.connect.timeout",
                "1000");
        assertThat(errors).containsOnlyKeys("connect.hazelcast.cluster.members");
        assertThat(errors.get("connect.hazelcast.cluster.members")).singleElement().asString()
                .startsWith("Cannot reach the Hazelcast cluster '" + members.clusterName() + "' at [127.0.0.1:1] "
                        + "within 1000 ms");
    }

    @Test
    void aKcqlErrorIsReportedWithoutAskingTheCluster() {
        Map<String, List<String>> errors = errors("INSERT INTO a SELECT * FROM m WITHTYPE MAP",
                "connect.hazelcast.cluster.members", "127.0.0.1:1");
        assertThat(errors).containsOnlyKeys("connect.hazelcast.kcql");
        assertThat(errors.get("connect.hazelcast.kcql")).singleElement().asString()
                .contains("line 1, column 40: the Hazelcast source cannot read WITHTYPE MAP");
    }
}
