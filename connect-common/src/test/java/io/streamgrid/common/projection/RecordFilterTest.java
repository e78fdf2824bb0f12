package io.streamgrid.common.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.kcql.Kcql;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RecordFilterTest {

    private static final Schema SITE = SchemaBuilder.struct().field("name", Schema.STRING_SCHEMA).build();
    private static final Schema READING = SchemaBuilder.struct()
            .field("device_id", Schema.STRING_SCHEMA)
            .field("temperature", Schema.FLOAT64_SCHEMA)
            .field("battery", Schema.OPTIONAL_INT32_SCHEMA)
            .field("ok", Schema.BOOLEAN_SCHEMA)
            .field("seen", Timestamp.SCHEMA)
            .field("site", SITE)
            .build();
    /** 2026-12-01T10:00:00Z */
    private static final long TEN = 1_796_119_200_000L;

    private static RecordFilter filter(String condition) {
        return RecordFilter.of(Kcql.parseOne("INSERT INTO a SELECT * FROM t WHERE " + condition));
    }

    private static RecordView struct() {
        Struct value = new Struct(READING).put("device_id", "dev-1").put("temperature", 85.5).put("battery", null)
                .put("ok", true).put("seen", new java.util.Date(TEN)).put("site", new Struct(SITE).put("name", "roof"));
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("region", "eu");
        headers.addInt("mqtt.qos", 1);
        return new RecordView("telemetry", 0, 42L, TEN, Schema.STRING_SCHEMA, "k1", READING, value, headers);
    }

    private static RecordView map() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("device_id", "dev-1");
        value.put("temperature", 85.5f);
        value.put("battery", null);
        value.put("ok", true);
        value.put("seen", "2026-12-01T10:00:00Z");
        value.put("site", Map.of("name", "roof"));
        return new RecordView("telemetry", 0, 42L, null, null, null, null, value, null);
    }

    private static RecordView json() {
        return RecordView.ofValue("telemetry", Schema.STRING_SCHEMA, "{\"device_id\":\"dev-1\",\"temperature\":85.5,"
                + "\"battery\":null,\"ok\":true,\"seen\":\"2026-12-01T10:00:00Z\",\"site\":{\"name\":\"roof\"}}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "temperature > 80                          | true",
            "temperature > 85.5                        | false",
            "temperature >= 85.50                      | true",
            "temperature = 85.5                        | true",
            "temperature = 85.50                       | true",
            "temperature < 100 AND ok = true           | true",
            "temperature > 90 OR battery < 5           | false",
            "battery < 5                               | false",
            "NOT battery < 5                           | false",
            "battery IS NULL                           | true",
            "battery IS NOT NULL                       | false",
            "missing IS NULL                           | true",
            "missing = 1 OR temperature > 80           | true",
            "site.name = 'roof'                        | true",
            "site.name IN ('cellar', 'roof')           | true",
            "site.name NOT IN ('cellar', 'roof')       | false",
            "site.name NOT IN ('cellar', missing)      | false",
            "device_id LIKE 'dev-%'                    | true",
            "device_id LIKE 'dev-_'                    | true",
            "device_id LIKE 'dev'                      | false",
            "device_id NOT LIKE 'x%'                   | true",
            "device_id LIKE 'dev.%'                    | false",
            "_topic = 'telemetry'                      | true",
            "temperature > 80 AND NOT (site.name = 'cellar' OR ok = false) | true",
            "device_id = device_id                     | true"})
    void theSameConditionsHoldOnStructMapAndJsonValues(String condition, boolean expected) {
        RecordFilter filter = filter(condition);
        assertThat(filter.keeps(struct())).as("Struct").isEqualTo(expected);
        assertThat(filter.keeps(map())).as("Map").isEqualTo(expected);
        assertThat(filter.keeps(json())).as("JSON").isEqualTo(expected);
    }

    @Test
    void timestampsCompareWithIsoStringsAndKeysHeadersAndMetadataAreFields() {
        assertThat(filter("seen >= '2026-12-01T10:00:00Z'").keeps(struct())).isTrue();
        assertThat(filter("seen > '2026-12-01T11:00:00+02:00'").keeps(struct())).as("09:00Z").isTrue();
        assertThat(filter("seen < '2026-12-01'").keeps(struct())).isFalse();
        assertThat(filter("_key = 'k1' AND _header.region = 'eu' AND _offset = 42").keeps(struct())).isTrue();
        assertThat(filter("_header.nope IS NULL").keeps(struct())).isTrue();
        assertThat(filter("_header.mqtt.qos = 1").keeps(struct())).as("a header name with a dot").isTrue();
        assertThat(filter("_timestamp = " + TEN).keeps(struct())).isTrue();
        assertThat(filter("_timestamp >= '2026-12-01T10:00:00Z'").keeps(struct())).as("metadata time vs ISO").isTrue();
        assertThat(filter("seen = " + TEN).keeps(struct())).as("a timestamp field vs epoch millis").isTrue();
    }

    @Test
    void aStringAgainstANumberIsBadDataNamingTheFieldAndTheRecord() {
        assertThatThrownBy(() -> filter("device_id > 5").keeps(struct())).isInstanceOf(DataException.class)
                .hasMessage("WHERE compares field 'device_id' (string 'dev-1') with the number 5 in record "
                        + "topic=telemetry partition=0 offset=42, and a string has no order with a number");
        assertThatThrownBy(() -> filter("temperature LIKE '8%'").keeps(json())).isInstanceOf(DataException.class)
                .hasMessageContaining("the field is a number, and LIKE matches strings");
        assertThatThrownBy(() -> filter("seen > 'soon'").keeps(struct())).isInstanceOf(DataException.class)
                .hasMessageContaining("not an ISO-8601 date or time");
    }

    @Test
    void aStatementWithoutWhereHasNoFilter() {
        assertThat(RecordFilter.of(Kcql.parseOne("INSERT INTO a SELECT * FROM t"))).isNull();
    }
}
