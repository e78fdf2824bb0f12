package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WhereClauseTest {

    private static Condition where(String condition) {
        return Kcql.parseOne("INSERT INTO a SELECT * FROM t WHERE " + condition).where().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "temperature = 80          | (temperature = 80)",
            "temperature != 80         | (temperature != 80)",
            "temperature <> 80         | (temperature != 80)",
            "temperature < 80.5        | (temperature < 80.5)",
            "temperature <= -3         | (temperature <= -3)",
            "temperature > 1e2         | (temperature > 100)",
            "temperature >= 0          | (temperature >= 0)",
            "site = 'roof'             | (site = 'roof')",
            "name = 'it''s'            | (name = 'it''s')",
            "ok = true                 | (ok = TRUE)",
            "ok = FALSE                | (ok = FALSE)",
            "a.b.c < d.e               | (a.b.c < d.e)",
            "_key.site = 'x'           | (_key.site = 'x')",
            "_header.h = 'v'           | (_header.h = 'v')",
            "_topic = 't'              | (_topic = 't')",
            "battery IS NULL           | (battery IS NULL)",
            "battery IS NOT NULL       | (battery IS NOT NULL)",
            "site IN ('a', 'b', 3)     | (site IN ('a', 'b', 3))",
            "site NOT IN ('a')         | (site NOT IN ('a'))",
            "name LIKE 'dev-%'         | (name LIKE 'dev-%')",
            "name NOT LIKE '_x%'       | (name NOT LIKE '_x%')",
            "t BETWEEN 1 AND 5         | ((t >= 1) AND (t <= 5))",
            "t NOT BETWEEN -1 AND x.y  | (NOT ((t >= -1) AND (t <= x.y)))",
            "temperature>80            | (temperature > 80)",
            "`a b` = 1                 | (`a b` = 1)",
            "`3.5` = 1                 | (`3.5` = 1)"})
    void everyOperatorParses(String condition, String shown) {
        assertThat(where(condition)).hasToString(shown);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a = 1 OR b = 2 AND c = 3             | ((a = 1) OR ((b = 2) AND (c = 3)))",
            "a = 1 AND b = 2 OR c = 3             | (((a = 1) AND (b = 2)) OR (c = 3))",
            "NOT a = 1 AND b = 2                  | ((NOT (a = 1)) AND (b = 2))",
            "NOT (a = 1 AND b = 2)                | (NOT ((a = 1) AND (b = 2)))",
            "(a = 1 OR b = 2) AND c = 3           | (((a = 1) OR (b = 2)) AND (c = 3))",
            "a = 1 OR NOT b IS NULL OR c > 3      | (((a = 1) OR (NOT (b IS NULL))) OR (c > 3))",
            "NOT NOT a = 1                        | (NOT (NOT (a = 1)))",
            "a BETWEEN 1 AND 2 AND b = 3          | (((a >= 1) AND (a <= 2)) AND (b = 3))",
            "a = 0 OR a BETWEEN 1 AND 2           | ((a = 0) OR ((a >= 1) AND (a <= 2)))"})
    void precedenceIsSqls(String condition, String shown) {
        assertThat(where(condition)).hasToString(shown);
    }

    @Test
    void literalsHaveTheirTypesAndFieldsTheirPositions() {
        Condition.Comparison c = (Condition.Comparison) where("temperature >= 80.50");
        assertThat(((Condition.Operand.Literal) c.right()).value()).isEqualTo(new BigDecimal("80.50"));
        Condition.Operand.Field field = (Condition.Operand.Field) c.left();
        assertThat(field.path()).isEqualTo(FieldPath.value("temperature"));
        assertThat(field.position()).isEqualTo(new Position(1, 37));
        assertThat(c.position()).isEqualTo(new Position(1, 49));
    }

    @Test
    void whereIsAClauseAmongTheOthersAndTheOldKeywordsStayNames() {
        KcqlStatement s = Kcql.parseOne("INSERT INTO alerts SELECT device_id, temperature, ts FROM telemetry "
                + "WHERE temperature > 80 OR battery < 5 STOREAS RELIABLE_TOPIC");
        assertThat(s.where()).map(Condition::toString).contains("((temperature > 80) OR (battery < 5))");
        assertThat(s.storeAs()).map(StoreAs::type).contains("RELIABLE_TOPIC");
        assertThat(s.clausePositions()).containsKey(Clause.WHERE);

        KcqlStatement names = Kcql.parseOne("INSERT INTO in SELECT not, is, like AS null FROM where");
        assertThat(names.target()).isEqualTo("in");
        assertThat(names.source()).isEqualTo("where");
        assertThat(names.fields()).extracting(SelectedField::outputName).containsExactly("not", "is", "null");
        assertThat(names.where()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "twice              | INSERT INTO a SELECT * FROM t WHERE x = 1 WHERE y = 2 | line 1, column 43: the WHERE clause is given twice (first at line 1, column 31)",
            "no condition       | INSERT INTO a SELECT * FROM t WHERE                    | line 1, column 36: unexpected end of input",
            "dangling AND       | INSERT INTO a SELECT * FROM t WHERE x = 1 AND          | line 1, column 46: 'AND' has no condition on its right: unexpected end of input",
            "BETWEEN literals   | INSERT INTO a SELECT * FROM t WHERE 2 BETWEEN 1 AND 3  | line 1, column 39: a comparison reads at least one field; both sides here are literals",
            "BETWEEN no AND     | INSERT INTO a SELECT * FROM t WHERE x BETWEEN 1 OR 3   | line 1, column 49: unexpected 'OR', expected AND",
            "no operator        | INSERT INTO a SELECT * FROM t WHERE x 1                | line 1, column 39: unexpected '1'",
            "two literals       | INSERT INTO a SELECT * FROM t WHERE 1 = 1              | line 1, column 39: a comparison reads at least one field; both sides here are literals",
            "open parenthesis   | INSERT INTO a SELECT * FROM t WHERE (x = 1             | line 1, column 43: unexpected end of input, expected ')'",
            "LIKE a field       | INSERT INTO a SELECT * FROM t WHERE x LIKE y           | line 1, column 44: unexpected 'y', expected a 'quoted string'",
            "bang               | INSERT INTO a SELECT * FROM t WHERE x ! 1              | line 1, column 39: unexpected character '!'",
            "equals NULL        | INSERT INTO a SELECT * FROM t WHERE x = NULL           | line 1, column 41: a comparison with NULL is never true in SQL; write IS NULL"})
    void errorsNameTheirPlace(String what, String kcql, String message) {
        assertThatThrownBy(() -> Kcql.parse(kcql)).isInstanceOf(KcqlException.class).hasMessageContaining(message);
    }

    @Test
    void aConnectorThatCannotReadAFieldKindSaysWhereInTheCondition() {
        KcqlCapabilities values = KcqlCapabilities.forConnector("test").clauses(Clause.WHERE).build();
        assertThatThrownBy(() -> values.parse("INSERT INTO a SELECT * FROM t WHERE _key.x = 1"))
                .hasMessageContaining("line 1, column 37").hasMessageContaining("test's WHERE cannot read '_key.x'");
        KcqlCapabilities noWhere = KcqlCapabilities.forConnector("test").build();
        assertThatThrownBy(() -> noWhere.parse("INSERT INTO a SELECT * FROM t WHERE x = 1"))
                .hasMessageContaining("does not support the WHERE clause");
    }

    @Test
    void theCheckerPrintsTheParsedCondition() {
        assertThat(KcqlJson.write(Kcql.parse("INSERT INTO a SELECT * FROM t WHERE a = 1 OR b LIKE 'x%'")))
                .contains("\"where\": \"((a = 1) OR (b LIKE 'x%'))\"");
    }
}
