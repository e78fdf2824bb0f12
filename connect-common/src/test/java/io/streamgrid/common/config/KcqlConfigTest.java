package io.streamgrid.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlStatement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class KcqlConfigTest {

    private static final String KEY = "connect.test.kcql";
    private static final KcqlCapabilities CAPABILITIES = KcqlCapabilities.forConnector("test sink")
            .clauses(Clause.WITHFORMAT, Clause.STOREAS)
            .storeAsTypes(List.of("QUEUE"))
            .formats(Format.JSON)
            .build();
    private static final ConfigDef DEF = KcqlConfig.define(new ConfigDef(), KEY, "The statements.", "KCQL", 1,
            CAPABILITIES);

    private static ConfigValue validate(String kcql) {
        return DEF.validate(Map.of(KEY, kcql)).stream().filter(v -> v.name().equals(KEY)).findFirst().orElseThrow();
    }

    @Test
    void validStatementsHaveNoError() {
        assertThat(validate("INSERT INTO q SELECT * FROM t WITHFORMAT JSON STOREAS QUEUE").errorMessages()).isEmpty();
    }

    @Test
    void syntaxErrorIsOnTheKcqlKeyWithLineAndColumn() {
        List<String> errors = validate("INSERT INTO q SELECT * FROM t\nSTOREAS QUEUE garbage").errorMessages();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("Invalid value for " + KEY + ": KCQL error at line 2, column 15: "
                + "unexpected 'garbage'").contains("^^^^^^^");
    }

    @Test
    void unsupportedClauseIsOnTheKcqlKey() {
        assertThat(validate("INSERT INTO q SELECT * FROM t TTL 5").errorMessages()).singleElement().asString()
                .contains("line 1, column 31").contains("the test sink does not support the TTL clause");
    }

    @Test
    void missingKeyIsReported() {
        ConfigValue value = DEF.validate(Map.of()).get(0);
        assertThat(value.errorMessages()).singleElement().asString().contains("Missing required configuration");
    }

    @Test
    void blankIsAnError() {
        assertThat(validate("  ").errorMessages()).singleElement().asString()
                .contains("at least one KCQL statement is required");
    }

    @Test
    void configConstructionFailsTheSameWayAndParsedStatementsAreReturned() {
        assertThatThrownBy(() -> new AbstractConfig(DEF, Map.of(KEY, "INSERT INTO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KCQL error at line 1, column 12");
        AbstractConfig config = new AbstractConfig(DEF, Map.of(KEY,
                "INSERT INTO a SELECT * FROM t; INSERT INTO b SELECT x FROM t STOREAS QUEUE"));
        assertThat(KcqlConfig.statements(config, KEY, CAPABILITIES)).extracting(KcqlStatement::target)
                .containsExactly("a", "b");
    }

    @Test
    void connectorOwnCheckIsReportedOnTheKey() {
        ConfigDef def = KcqlConfig.define(new ConfigDef(), KEY, "doc", "KCQL", 1, CAPABILITIES, statement -> {
            if (statement.target().startsWith("tmp")) {
                throw statement.errorAt(statement.start(), statement.target(), "temporary targets are not allowed");
            }
        });
        ConfigValue value = def.validate(Map.of(KEY, "INSERT INTO ok SELECT * FROM t;\nINSERT INTO tmp1 SELECT * FROM t"))
                .get(0);
        assertThat(value.errorMessages()).singleElement().asString()
                .contains("line 2, column 1: temporary targets are not allowed");
    }

    @Test
    void keyIsDocumentedInItsGroup() {
        ConfigDef.ConfigKey key = DEF.configKeys().get(KEY);
        assertThat(key.group).isEqualTo("KCQL");
        assertThat(key.documentation).isEqualTo("The statements.");
        assertThat(key.importance).isEqualTo(ConfigDef.Importance.HIGH);
        assertThat(key.validator.toString()).isEqualTo("KCQL statements the test sink accepts");
    }
}
