package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.Kcql;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Keys read from JSON text (the streaming path) are the keys the full parse gives. */
class KeyMakerTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private static KeyMaker keys(String pk) {
        return new KeyMaker(Kcql.parseOne("INSERT INTO m SELECT * FROM t PK " + pk + " STOREAS IMAP"));
    }

    private static RecordView record(Object value) {
        return RecordView.of(new SinkRecord("t", 0, null, null, null, value, 42));
    }

    /** The same value as a map, which always takes the full path. */
    @SuppressWarnings("unchecked")
    private static Object viaMap(KeyMaker keys, String json) throws Exception {
        return keys.key(record(JSON.readValue(json, Map.class)));
    }

    @ParameterizedTest(name = "PK {0} of {1}")
    @CsvSource(delimiter = '|', value = {
            "id          | {\"id\":\"r-1\",\"t\":21.5}",
            "id          | {\"t\":{\"deep\":[1,2,{\"id\":\"no\"}]},\"id\":7}",
            "t           | {\"id\":\"r-1\",\"t\":21.5}",
            "ok          | {\"ok\":true}",
            "id, t       | {\"t\":-3e2,\"id\":\"a\"}",
            "id          | {\"id\":\"first\",\"id\":\"last\"}",
            "id          |   {\"id\":\"spaced\"}  ",
    })
    void streamingKeysEqualTheFullParse(String pk, String json) throws Exception {
        KeyMaker keys = keys(pk);
        Object fromText = keys.key(record(json));
        assertThat(fromText).isEqualTo(viaMap(keys, json));
        assertThat(fromText.getClass()).isEqualTo(viaMap(keys, json).getClass());
        assertThat(keys.key(record(json.getBytes(StandardCharsets.UTF_8)))).isEqualTo(fromText);
    }

    @Test
    void numbersKeepTheTypesOfTheFullParse() {
        assertThat(keys("id").key(record("{\"id\":7}"))).isEqualTo(7L);
        assertThatThrownBy(() -> keys("id").key(record("{\"id\":12345678901234567890123}")))
                .as("beyond long, as the full parse").isInstanceOf(DataException.class);
        assertThat(keys("id").key(record("{\"id\":2.5}"))).isEqualTo(2.5d);
    }

    @Test
    void nestedValuesAndErrorsTakeTheFullPath() throws Exception {
        String nested = "{\"id\":{\"site\":\"roof\",\"n\":1}}";
        assertThat(keys("id").key(record(nested))).isEqualTo(viaMap(keys("id"), nested)).isInstanceOf(String.class);
        assertThatThrownBy(() -> keys("id").key(record("{\"other\":1}"))).isInstanceOf(DataException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> keys("id").key(record("{\"id\":null}"))).isInstanceOf(DataException.class)
                .hasMessageContaining("PK field 'id' is null");
        assertThatThrownBy(() -> keys("id").key(record("{\"id\":\"x\""))).isInstanceOf(DataException.class)
                .hasMessageContaining("not valid JSON");
    }
}
