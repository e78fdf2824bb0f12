package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PK fields read from JSON text in one scan, as the full parse gives them, or null to take the full path. */
class JsonKeyFieldsTest {

    private final JsonKeyFields fields = new JsonKeyFields(List.of("site", "id"));

    @Test
    void scalarsComeOutAsTheFullParseGivesThem() {
        assertThat(fields.read("{\"id\": 7, \"x\": {\"site\": 1}, \"site\": \"n\\u00f6rd\"}")).containsExactly("nörd", 7L);
        assertThat(fields.read("{\"site\":true,\"id\":2.5e1}")).containsExactly(true, 25.0);
        assertThat(fields.read("{\"s\\u0069te\":\"a\",\"id\":-0}".getBytes(StandardCharsets.UTF_8)))
                .as("a name written with escapes; bytes").containsExactly("a", 0L);
        assertThat(fields.read("{\"site\":\"a\",\"id\":1,\"id\":2}")).as("the last of duplicates").containsExactly("a", 2L);
    }

    @Test
    void whatTheFullPathMustDecideIsNull() {
        assertThat(fields.read("{\"site\":\"a\"}")).as("missing").isNull();
        assertThat(fields.read("{\"site\":\"a\",\"id\":1,\"id\":null}")).as("null last").isNull();
        assertThat(fields.read("{\"site\":\"a\",\"id\":[1]}")).as("nested").isNull();
        assertThat(fields.read("{\"site\":\"a\",\"id\":123456789012345678901234}")).as("beyond a long").isNull();
        assertThat(fields.read("{\"site\":\"a\",\"id\":1")).as("not JSON").isNull();
        assertThat(fields.read("{\"site\":\"a\",\"id\":01}")).as("not strict JSON").isNull();
        assertThat(fields.read(42)).isNull();
    }
}
