package io.streamgrid.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ErrorPolicyConfigTest {

    private static final ConfigDef DEF = ErrorPolicyConfig.define(new ConfigDef(), "connect.x", "Errors", 1);

    @Test
    void defaults() {
        ErrorPolicyConfig config = ErrorPolicyConfig.from(new AbstractConfig(DEF, Map.of()), "connect.x");
        assertThat(config).isEqualTo(new ErrorPolicyConfig(ErrorPolicy.THROW, 20, Duration.ofSeconds(10)));
    }

    @Test
    void connectorChoosesItsDefaultPolicy() {
        ConfigDef retrying = ErrorPolicyConfig.define(new ConfigDef(), "connect.y", "Errors", 1, ErrorPolicy.RETRY);
        assertThat(ErrorPolicyConfig.from(new AbstractConfig(retrying, Map.of()), "connect.y").policy())
                .isEqualTo(ErrorPolicy.RETRY);
    }

    @Test
    void readsStreamReactorKeyNamesInAnyCase() {
        ErrorPolicyConfig config = ErrorPolicyConfig.from(new AbstractConfig(DEF, Map.of(
                "connect.x.error.policy", "retry", "connect.x.max.retries", "3", "connect.x.retry.interval", "250")),
                "connect.x");
        assertThat(config).isEqualTo(new ErrorPolicyConfig(ErrorPolicy.RETRY, 3, Duration.ofMillis(250)));
    }

    @Test
    void badValuesAreReportedOnTheirKeys() {
        Map<String, ConfigValue> values = new java.util.HashMap<>();
        DEF.validate(Map.of("connect.x.error.policy", "explode", "connect.x.max.retries", "-1"))
                .forEach(v -> values.put(v.name(), v));
        assertThat(values.get("connect.x.error.policy").errorMessages()).singleElement().asString()
                .contains("must be one of THROW, RETRY, NOOP");
        assertThat(values.get("connect.x.max.retries").errorMessages()).singleElement().asString()
                .contains("Value must be at least 0");
        assertThat(values.get("connect.x.retry.interval").errorMessages()).isEmpty();
    }

    @Test
    void keysAreGroupedAndOrdered() {
        assertThat(DEF.configKeys().values()).extracting(k -> k.group + "/" + k.orderInGroup + "/" + k.name)
                .containsExactly("Errors/1/connect.x.error.policy", "Errors/2/connect.x.max.retries",
                        "Errors/3/connect.x.retry.interval");
    }
}
