package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class JsonSchemaInferenceTest {

    private static SchemaAndValue infer(String json) throws Exception {
        return JsonSchemaInference.infer(new ObjectMapper().readTree(json));
    }

    @Test
    void objectBecomesStructWithTypesInDocumentOrder() throws Exception {
        SchemaAndValue result = infer("{\"id\":\"d-1\",\"n\":3,\"t\":21.5,\"ok\":true,\"none\":null,"
                + "\"loc\":{\"lat\":51.5}}");
        Schema schema = result.schema();
        assertThat(schema.fields()).extracting(Field::name).containsExactly("id", "n", "t", "ok", "none", "loc");
        assertThat(schema.field("n").schema().type()).isEqualTo(Schema.Type.INT64);
        assertThat(schema.field("t").schema().type()).isEqualTo(Schema.Type.FLOAT64);
        assertThat(schema.field("ok").schema().type()).isEqualTo(Schema.Type.BOOLEAN);
        assertThat(schema.field("loc").schema().type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(schema.fields()).allMatch(f -> f.schema().isOptional());
        Struct value = (Struct) result.value();
        assertThat(value.get("id")).isEqualTo("d-1");
        assertThat(value.get("n")).isEqualTo(3L);
        assertThat(value.get("t")).isEqualTo(21.5);
        assertThat(value.get("none")).isNull();
        assertThat(value.getStruct("loc").get("lat")).isEqualTo(51.5);
    }

    @Test
    void arraysTakeTheSharedTypeAndStructsMerge() throws Exception {
        SchemaAndValue result = infer("{\"nums\":[1,2.5],\"pts\":[{\"x\":1},{\"y\":2}],\"mixed\":[1,\"a\",{\"b\":true}]}");
        Struct value = (Struct) result.value();
        assertThat(result.schema().field("nums").schema().valueSchema().type()).isEqualTo(Schema.Type.FLOAT64);
        assertThat(value.getArray("nums")).containsExactly(1.0, 2.5);
        Schema point = result.schema().field("pts").schema().valueSchema();
        assertThat(point.fields()).extracting(Field::name).containsExactly("x", "y");
        List<Object> points = value.getArray("pts");
        assertThat(((Struct) points.get(1)).get("x")).isNull();
        assertThat(((Struct) points.get(1)).get("y")).isEqualTo(2L);
        assertThat(value.getArray("mixed")).containsExactly("1", "a", "{\"b\":true}");
    }

    @Test
    void topLevelScalarsWork() throws Exception {
        assertThat(infer("42").value()).isEqualTo(42L);
        assertThat(infer("\"text\"").value()).isEqualTo("text");
        assertThat(infer("null").value()).isNull();
    }
}
