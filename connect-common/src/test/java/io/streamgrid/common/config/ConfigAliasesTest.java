package io.streamgrid.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigAliasesTest {

    private final ConfigAliases aliases = new ConfigAliases(
            Map.of("connect.x.sink.kcql", "connect.x.kcql", "connect.x.group.name", "connect.x.cluster.name"),
            Map.of("connect.x.group.password", "clusters have no password since Hazelcast 4",
                    "connect.x.ssl.", "TLS is configured in the client config file"));

    @Test
    void oldNameMovesToTheNewOne() {
        Map<String, String> resolved = aliases.resolve(Map.of("connect.x.sink.kcql", "INSERT ...", "other", "1"));
        assertThat(resolved).containsExactlyInAnyOrderEntriesOf(Map.of("connect.x.kcql", "INSERT ...", "other", "1"));
    }

    @Test
    void sameValueUnderBothNamesIsFine() {
        assertThat(aliases.resolve(Map.of("connect.x.group.name", "dev", "connect.x.cluster.name", "dev")))
                .containsExactly(Map.entry("connect.x.cluster.name", "dev"));
    }

    @Test
    void differentValuesUnderBothNamesIsAnErrorOnTheNewName() {
        assertThatThrownBy(() -> aliases.resolve(Map.of("connect.x.group.name", "a", "connect.x.cluster.name", "b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connect.x.cluster.name")
                .hasMessageContaining("both connect.x.cluster.name and its old name connect.x.group.name are set");
    }

    @Test
    void warningsNameOldAndRetiredKeysIncludingPrefixes() {
        assertThat(aliases.warnings(Map.of("connect.x.sink.kcql", "q", "connect.x.group.password", "p",
                "connect.x.ssl.keystore.location", "/k", "connect.x.kcql.other", "z")))
                .containsExactly(
                        "connect.x.group.password is accepted but no longer applies: clusters have no password since Hazelcast 4",
                        "connect.x.sink.kcql is an old name of connect.x.kcql; it is applied, but use the new name",
                        "connect.x.ssl.keystore.location is accepted but no longer applies: TLS is configured in the client config file");
    }
}
