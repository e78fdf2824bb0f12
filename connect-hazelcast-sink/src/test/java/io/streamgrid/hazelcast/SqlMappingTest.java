package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code sqlMapping = true}: queries work right after the sink's first write, on a member with SQL. */
class SqlMappingTest {

    @RegisterExtension
    static final SinkTaskFixture WITH_SQL = new SinkTaskFixture(1, config -> {
        config.getJetConfig().setEnabled(true);
        return config;
    });

    @RegisterExtension
    static final SinkTaskFixture WITHOUT_SQL = new SinkTaskFixture(1); // Jet is off by default: no SQL

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "telemetry-" + suffix;
    private final String map = "device_state_" + suffix;


    private SinkRecord json(long offset, String value) {
        return new SinkRecord(topic, 0, null, null, Schema.STRING_SCHEMA, value, offset);
    }

    private List<List<Object>> query(String sql) {
        List<List<Object>> rows = new ArrayList<>();
        try (SqlResult result = WITH_SQL.member().getSql().execute(sql)) {
            for (SqlRow row : result) {
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < row.getMetadata().getColumnCount(); i++) {
                    values.add(row.getObject(i));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    @Test
    void compactDeviceStateIsQueryableAtOnce() {
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT device_id, battery, ts FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true, version = ts, "
                + "compactType = 'DeviceState', sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"battery\":87,\"ts\":1}"),
                json(1, "{\"device_id\":\"d2\",\"battery\":12,\"ts\":1}"),
                json(2, "{\"device_id\":\"d3\",\"battery\":5,\"ts\":1}"),
                json(3, "{\"device_id\":\"d3\",\"battery\":50,\"ts\":0}")));

        assertThat(query("SELECT device_id, battery FROM \"" + map + "\" WHERE battery < 20 ORDER BY device_id"))
                .containsExactly(List.of("d2", 12L), List.of("d3", 5L));
    }

    @Test
    void jsonValuesAreQueryableAtOnceAndANewFieldBecomesAColumn() {
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id STOREAS IMAP (merge = true, jsonValue = true, sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"temperature\":21.5}")));
        assertThat(query("SELECT __key, temperature FROM \"" + map + "\"")).containsExactly(List.of("d1", 21.5));

        putAndFlush(task, List.of(json(1, "{\"device_id\":\"d1\",\"site\":\"roof\"}")));
        assertThat(query("SELECT temperature, site FROM \"" + map + "\"")).containsExactly(List.of(21.5, "roof"));
    }

    @Test
    void aFieldAddedToTheKafkaSchemaBecomesAColumnOfTheCompactMapping() {
        Schema v1 = SchemaBuilder.struct().field("device_id", Schema.STRING_SCHEMA)
                .field("temperature", Schema.FLOAT64_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().field("device_id", Schema.STRING_SCHEMA)
                .field("temperature", Schema.FLOAT64_SCHEMA).field("humidity", Schema.OPTIONAL_INT32_SCHEMA).build();
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (sqlMapping = true)");
        putAndFlush(task, List.of(new SinkRecord(topic, 0, null, null, v1,
                new Struct(v1).put("device_id", "d1").put("temperature", 20.0), 0)));
        putAndFlush(task, List.of(new SinkRecord(topic, 0, null, null, v2,
                new Struct(v2).put("device_id", "d2").put("temperature", 21.0).put("humidity", 40), 1)));

        assertThat(query("SELECT device_id, temperature, humidity FROM \"" + map + "\" ORDER BY device_id"))
                .as("the older entry reads NULL for the field its schema does not have")
                .containsExactly(java.util.Arrays.asList("d1", 20.0, null), List.of("d2", 21.0, 40));
    }

    @Test
    void validationNamesWhatIsMissingWhenTheClusterHasNoSql() {
        Map<String, String> props = WITHOUT_SQL.members().sinkProps("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (sqlMapping = true)");
        List<ConfigValue> values = new HazelcastSinkConnector().validate(props).configValues();
        ConfigValue kcql = values.stream().filter(v -> v.name().equals("connect.hazelcast.kcql")).findFirst()
                .orElseThrow();
        assertThat(kcql.errorMessages()).singleElement().asString()
                .contains("sqlMapping = true (for [" + map + "]) needs SQL on the Hazelcast cluster")
                .contains("Jet engine enabled").contains("hazelcast-sql module");
        assertThat(values).filteredOn(v -> !v.name().equals("connect.hazelcast.kcql"))
                .allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());

        Map<String, String> withSql = WITH_SQL.members().sinkProps("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (sqlMapping = true)");
        assertThat(new HazelcastSinkConnector().validate(withSql).configValues())
                .allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }
}
