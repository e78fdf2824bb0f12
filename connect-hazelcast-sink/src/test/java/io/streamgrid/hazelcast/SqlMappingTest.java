package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
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
                .containsExactly(List.of("d2", dec("12")), List.of("d3", dec("5"))); // JSON numbers: DECIMAL
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

    /** The map's value columns and their SQL types, as the cluster has them. */
    private Map<String, String> columns() {
        Map<String, String> columns = new LinkedHashMap<>();
        for (List<Object> row : query("SELECT column_name, data_type FROM information_schema.columns "
                + "WHERE table_name = '" + map + "' ORDER BY ordinal_position")) {
            if (!row.get(0).equals("__key") && !row.get(0).equals("this")) {
                columns.put((String) row.get(0), (String) row.get(1));
            }
        }
        return columns;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsonValue = true", "merge = true, jsonValue = true"})
    void aJsonColumnFirstSeenWholeWidensToDoubleWhenAFractionArrives(String options) {
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id STOREAS IMAP (" + options + ", sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"temp\":21}")));
        putAndFlush(task, List.of(json(1, "{\"device_id\":\"d1\",\"temp\":21.5}"),
                json(2, "{\"device_id\":\"d2\",\"temp\":20}")));

        assertThat(query("SELECT __key, temp FROM \"" + map + "\" ORDER BY __key"))
                .containsExactly(List.of("d1", 21.5), List.of("d2", 20.0));
        assertThat(columns()).containsEntry("temp", "DOUBLE");

        putAndFlush(task, List.of(json(3, "{\"device_id\":\"d3\",\"temp\":19,\"site\":\"roof\"}")));
        assertThat(columns()).as("a column is never narrowed").containsEntry("temp", "DOUBLE")
                .containsEntry("site", "VARCHAR");
    }

    @Test
    void aJsonFieldWhoseKindsConflictBecomesAVarcharColumnThatReadsEveryValue() {
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id STOREAS IMAP (jsonValue = true, sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"status\":1}")));
        putAndFlush(task, List.of(json(1, "{\"device_id\":\"d2\",\"status\":\"ok\"}"),
                json(2, "{\"device_id\":\"d3\",\"status\":true}")));
        putAndFlush(task, List.of(json(3, "{\"device_id\":\"d4\",\"status\":2.5}")));

        assertThat(columns()).containsEntry("status", "VARCHAR");
        assertThat(query("SELECT __key, status FROM \"" + map + "\" ORDER BY __key")).containsExactly(
                List.of("d1", "1"), List.of("d2", "ok"), List.of("d3", "true"), List.of("d4", "2.5"));
    }

    @Test
    void aJsonFieldOnlyInTheMiddleOfABatchGetsAColumn() {
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id STOREAS IMAP (jsonValue = true, sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"temp\":21.5}"),
                json(1, "{\"device_id\":\"d2\",\"temp\":20.5,\"humidity\":40}"),
                json(2, "{\"device_id\":\"d3\",\"temp\":19.5}")));

        assertThat(query("SELECT __key, humidity FROM \"" + map + "\" ORDER BY __key")).containsExactly(
                Arrays.asList("d1", null), List.of("d2", 40L), Arrays.asList("d3", null));
    }

    @Test
    void compactStateWithAWholeNumberThenAFractionStaysQueryableForThatKeyAndTheWholeMap() {
        HazelcastSinkTask task = WITH_SQL.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true, compactType = 'State" + suffix
                + "', sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"temp\":21}"),
                json(1, "{\"device_id\":\"d2\",\"temp\":20,\"battery\":87}")));
        putAndFlush(task, List.of(json(2, "{\"device_id\":\"d1\",\"temp\":21.5}")));

        assertThat(query("SELECT temp FROM \"" + map + "\" WHERE __key = 'd1'")).containsExactly(List.of(dec("21.5")));
        assertThat(query("SELECT __key, temp, battery FROM \"" + map + "\" ORDER BY __key"))
                .containsExactly(Arrays.asList("d1", dec("21.5"), null), List.of("d2", dec("20"), dec("87")));
        assertThat(columns()).containsEntry("temp", "DECIMAL");
        assertThat(query("SELECT * FROM \"" + map + "\"")).hasSize(2);
    }

    @Test
    void aCompactValueItsColumnCannotHoldIsBadDataAndTheRestIsWritten() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = WITH_SQL.start(context, "UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true, compactType = 'State" + suffix
                + "', sqlMapping = true)");
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d1\",\"temp\":21.5}")));
        task.put(List.of(json(1, "{\"device_id\":\"d2\",\"temp\":\"hot\"}"),
                json(2, "{\"device_id\":\"d3\",\"temp\":19}")));
        task.preCommit(Map.of());
        putAndFlush(task, List.of(json(3, "{\"device_id\":\"d4\",\"temp\":18.5}"))); // the failed batch first

        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("'d2'")
                .hasMessageContaining("'temp'").hasMessageContaining("DECIMAL").hasMessageContaining("hot");
        assertThat(query("SELECT __key, temp FROM \"" + map + "\" ORDER BY __key"))
                .containsExactly(List.of("d1", dec("21.5")), List.of("d3", dec("19")), List.of("d4", dec("18.5")));
    }

    /**
     * One value that does not fit its column costs its batch nothing: the others are written together, in one call,
     * and only that record is bad data. The whole batch failed, and every record of it was written again on its own.
     */
    @Test
    void aCompactValueItsColumnCannotHoldLeavesTheRestOfItsBatchOneWrite() throws Exception {
        String connector = "sql-" + suffix;
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = WITH_SQL.start(context, "UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (compactType = 'Batch" + suffix
                + "', sqlMapping = true)", "name", connector);
        putAndFlush(task, List.of(json(0, "{\"device_id\":\"d0\",\"temp\":21.5}"))); // temp: DECIMAL
        double callsBefore = metric(connector, "batches-total");
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            records.add(json(i, "{\"device_id\":\"d" + i + "\",\"temp\":" + (i == 25 ? "\"hot\"" : i) + "}"));
        }
        task.put(records);
        task.preCommit(Map.of());
        putAndFlush(task, List.of(json(51, "{\"device_id\":\"d51\",\"temp\":18.5}")));

        assertThat(metric(connector, "batches-total") - callsBefore)
                .as("write calls: the 49 good records together, then the next record").isEqualTo(2.0);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(25L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("'d25'").hasMessageContaining("'temp'")
                .hasMessageContaining("DECIMAL").hasMessageContaining("hot");
        assertThat(query("SELECT COUNT(*) FROM \"" + map + "\"")).containsExactly(List.of(51L));
    }

    private static double metric(String connector, String name) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0"), name)).doubleValue();
    }

    @Test
    void aCompactColumnKeepsItsKindAndTakesEveryValueThatConvertsWithoutLoss() {
        Schema reading = SchemaBuilder.struct().field("device_id", Schema.STRING_SCHEMA)
                .field("temperature", Schema.FLOAT64_SCHEMA).field("count", Schema.INT64_SCHEMA).build();
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = WITH_SQL.start(context, "UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (compactType = 'Reading" + suffix
                + "', sqlMapping = true)");
        putAndFlush(task, List.of(new SinkRecord(topic, 0, null, null, reading,
                new Struct(reading).put("device_id", "d1").put("temperature", 20.0).put("count", 1L), 0)));
        putAndFlush(task, List.of(json(1, "{\"device_id\":\"d2\",\"temperature\":21.53,\"count\":7}"),
                json(2, "{\"device_id\":\"d3\",\"temperature\":22,\"count\":8.0}")));

        assertThat(columns()).containsEntry("temperature", "DOUBLE").containsEntry("count", "BIGINT");
        assertThat(query("SELECT __key, temperature, \"count\" FROM \"" + map + "\" ORDER BY __key")).containsExactly(
                List.of("d1", 20.0, 1L), List.of("d2", 21.53, 7L), List.of("d3", 22.0, 8L));
        assertThat(context.deadLetters).isEmpty();
    }

    @Test
    void aColumnAnotherTaskMadeOrWidenedIsKeptWhenThisTaskAddsOne() {
        String kcql = "UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id STOREAS IMAP (jsonValue = true, sqlMapping = true)";
        HazelcastSinkTask first = WITH_SQL.start(kcql);
        HazelcastSinkTask second = WITH_SQL.start(kcql);
        putAndFlush(first, List.of(json(0, "{\"device_id\":\"d1\",\"temp\":21}")));
        putAndFlush(second, List.of(json(1, "{\"device_id\":\"d2\",\"temp\":20.5,\"humidity\":40}")));
        putAndFlush(first, List.of(json(2, "{\"device_id\":\"d3\",\"temp\":19,\"pressure\":1013}")));

        assertThat(columns()).containsEntry("temp", "DOUBLE").containsEntry("humidity", "BIGINT")
                .containsEntry("pressure", "BIGINT");
        assertThat(query("SELECT __key, temp, humidity, pressure FROM \"" + map + "\" ORDER BY __key"))
                .containsExactly(Arrays.asList("d1", 21.0, null, null), Arrays.asList("d2", 20.5, 40L, null),
                        Arrays.asList("d3", 19.0, null, 1013L));
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
