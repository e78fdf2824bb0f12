package io.streamgrid.hazelcast.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.internal.json.Json;
import io.streamgrid.hazelcast.member.JsonForm;
import java.math.BigDecimal;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** JSON documents stay text on the task: folded and versioned by one scan, as the parsed objects would be. */
class JsonStateValuesTest {

    private final JsonStateValues values = new JsonStateValues(false);

    private Object document(String json) {
        return values.document(new SchemaAndValue(Schema.STRING_SCHEMA, json));
    }

    @Test
    void textsFoldAsTheParsedObjectsMerge() {
        List<Object> texts = List.of(document("{\"a\": 1, \"b\": {\"x\": [1, 2]}, \"t\": \"caf\\u00e9\"}"),
                document("{\"c\":null,\"a\":2.50}"), document("{\"b\":true,\"d\":\"\\\"q\\\"\"}"));
        Object byScan = values.form().fold(texts);
        Object byParse = new JsonForm(false).fold(texts);

        assertThat(byScan).isInstanceOf(String.class);
        assertThat(Json.parse((String) byScan)).isEqualTo(byParse);
        assertThat((String) byScan).as("values as written").contains("\"a\":2.50");
    }

    @Test
    void theVersionIsReadFromTheTextAsFromTheObject() {
        Object text = document("{\"ts\":1,\"v\":\"x\",\"ts\":\"2026-12-01T09:00:00Z\"}");
        assertThat(values.version(text, "ts", () -> "ts")).as("the last of duplicate names")
                .isEqualByComparingTo(new BigDecimal("1796115600000"));
        assertThat(values.version(document("{\"ts\":12.5}"), "ts", () -> "ts")).isEqualByComparingTo("12.5");
        assertThat(values.version(document("{\"ts\":null}"), "ts", () -> "ts")).isNull();
        assertThat(values.version(document("{\"x\":1}"), "ts", () -> "ts")).isNull();
        assertThatThrownBy(() -> values.version(document("{\"ts\":[1]}"), "ts", () -> "the field 'ts'"))
                .hasMessage("the field 'ts' is [1], not a number, a timestamp or an ISO-8601 string");
    }

    /** A number BigDecimal cannot hold ("Exponent overflow." alone once) is named with its field, in both forms. */
    @Test
    void aVersionBeyondWhatANumberCanHoldIsAnErrorNamingTheField() {
        Object text = document("{\"ts\":1e9999999999}");
        for (Object form : List.of(text, Json.parse((String) text))) {
            assertThatThrownBy(() -> values.version(form, "ts", () -> "the field 'ts' of record t/0/7"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the field 'ts' of record t/0/7 is 1e9999999999, ");
        }
    }

    @Test
    void whatIsNoJsonObjectIsBadData() {
        assertThatThrownBy(() -> document("[1,2]")).isInstanceOf(DataException.class)
                .hasMessageContaining("a merged or versioned value is a JSON object, not");
        assertThatThrownBy(() -> values.document(new SchemaAndValue(Schema.INT32_SCHEMA, 5)))
                .isInstanceOf(DataException.class);
    }
}
