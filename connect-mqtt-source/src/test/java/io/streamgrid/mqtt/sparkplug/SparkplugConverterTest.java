package io.streamgrid.mqtt.sparkplug;

import static io.streamgrid.mqtt.sparkplug.EdgeNodePayloads.metric;
import static io.streamgrid.mqtt.sparkplug.EdgeNodePayloads.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.mqtt.converter.PayloadConverter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;

/** Payloads built with Eclipse Tahu, as edge nodes build them, read by our converter. */
class SparkplugConverterTest {

    static final String NBIRTH = "spBv1.0/plant/NBIRTH/edge1";
    static final String NDATA = "spBv1.0/plant/NDATA/edge1";
    static final String DDATA = "spBv1.0/plant/DDATA/edge1/press";

    private final List<String> published = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    private SparkplugConverter converter(Map<String, String> properties) {
        SparkplugConverter converter = new SparkplugConverter();
        converter.configure(properties);
        converter.events(new SparkplugConverter.Events() {
            @Override
            public void unresolvedAlias(String edgeNode, long alias) {
                events.add("alias " + edgeNode + " " + alias);
            }

            @Override
            public void sequenceGap(String edgeNode, long expected, long got) {
                events.add("gap " + edgeNode + " " + expected + "->" + got);
            }

            @Override
            public void publish(String topic, byte[] payload) {
                published.add(topic);
                try {
                    SparkplugBPayload request = new SparkplugBPayloadDecoder().buildFromByteArray(payload, null);
                    assertThat(request.getMetrics()).singleElement().satisfies(m -> {
                        assertThat(m.getName()).isEqualTo("Node Control/Rebirth");
                        assertThat(m.getValue()).isEqualTo(true);
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        return converter;
    }

    private static Struct value(PayloadConverter.Converted converted) {
        return (Struct) converted.value().value();
    }

    @Test
    void birthThenDataByAliasResolvesNamesAndKeysEveryMetric() throws Exception {
        SparkplugConverter converter = converter(Map.of());
        converter.convertAll(NBIRTH, payload(0, metric("Temperature", 1L, MetricDataType.Double, 20.5),
                metric("Running", 2L, MetricDataType.Boolean, true)));
        List<PayloadConverter.Converted> data = converter.convertAll(NDATA,
                payload(1, metric(null, 1L, MetricDataType.Double, 21.25)));

        assertThat(data).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("plant/edge1/Temperature");
            Struct value = value(record);
            assertThat(value.getString("metric")).isEqualTo("Temperature");
            assertThat(value.getInt64("alias")).isEqualTo(1L);
            assertThat(value.getFloat64("double_value")).isEqualTo(21.25);
            assertThat(value.getString("message_type")).isEqualTo("NDATA");
            assertThat(value.getString("group_id")).isEqualTo("plant");
            assertThat(value.getString("edge_node_id")).isEqualTo("edge1");
            assertThat(value.getInt64("seq")).isEqualTo(1L);
            assertThat(value.getInt64("payload_timestamp")).isEqualTo(1_000L);
            assertThat(value.getInt64("timestamp")).isEqualTo(2_000L);
            assertThat(value.getString("datatype")).isEqualTo("DOUBLE");
        });
        assertThat(events).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void typedValuesRoundTrip() throws Exception {
        SparkplugConverter converter = converter(Map.of());
        List<PayloadConverter.Converted> records = converter.convertAll("spBv1.0/plant/DBIRTH/edge1/press", payload(0,
                metric("i8", 1L, MetricDataType.Int8, (byte) -5), metric("i16", 2L, MetricDataType.Int16, (short) -300),
                metric("i32", 3L, MetricDataType.Int32, -70_000), metric("i64", 4L, MetricDataType.Int64, -5_000_000_000L),
                metric("u32", 5L, MetricDataType.UInt32, 4_000_000_000L), metric("f", 6L, MetricDataType.Float, 1.5f),
                metric("d", 7L, MetricDataType.Double, 2.25), metric("b", 8L, MetricDataType.Boolean, false),
                metric("s", 9L, MetricDataType.String, "hé"), metric("dt", 10L, MetricDataType.DateTime, new Date(42L)),
                metric("raw", 11L, MetricDataType.Bytes, new byte[] {1, 2, 3})));
        Map<String, Object> byName = new java.util.HashMap<>();
        for (PayloadConverter.Converted record : records) {
            Struct v = value(record);
            Object typed = null;
            for (String field : List.of("int_value", "long_value", "float_value", "double_value", "boolean_value",
                    "string_value", "bytes_value")) {
                if (v.get(field) != null) {
                    assertThat(typed).as("one typed field for " + v.getString("metric")).isNull();
                    typed = v.get(field);
                }
            }
            byName.put(v.getString("metric"), typed);
            assertThat(record.key()).isEqualTo("plant/edge1/press/" + v.getString("metric"));
        }
        assertThat(byName).containsEntry("i8", -5).containsEntry("i16", -300).containsEntry("i32", -70_000)
                .containsEntry("i64", -5_000_000_000L).containsEntry("u32", 4_000_000_000L).containsEntry("f", 1.5f)
                .containsEntry("d", 2.25).containsEntry("b", false).containsEntry("s", "hé").containsEntry("dt", 42L);
        assertThat((byte[]) byName.get("raw")).containsExactly(1, 2, 3);
    }

    @Test
    void aMissedBirthIsCountedAndAsksForExactlyOneRebirth() throws Exception {
        SparkplugConverter converter = converter(Map.of(SparkplugConverter.REBIRTH, "true"));
        for (int seq = 5; seq < 10; seq++) {
            List<PayloadConverter.Converted> records = converter.convertAll(NDATA,
                    payload(seq, metric(null, 1L, MetricDataType.Double, 21.0)));
            assertThat(value(records.get(0)).getString("metric")).isNull();
            assertThat(records.get(0).key()).isEqualTo("plant/edge1/alias:1");
        }
        assertThat(events).hasSize(5).allMatch(e -> e.equals("alias plant/edge1 1"));
        assertThat(published).containsExactly("spBv1.0/plant/NCMD/edge1");

        converter.convertAll(NBIRTH, payload(0, metric("Temperature", 1L, MetricDataType.Double, 20.0)));
        assertThat(value(converter.convertAll(NDATA, payload(1, metric(null, 1L, MetricDataType.Double, 22.0)))
                .get(0)).getString("metric")).isEqualTo("Temperature");
    }

    @Test
    void seqGapsAreCountedAndWrapAt255() throws Exception {
        SparkplugConverter converter = converter(Map.of());
        converter.convertAll(NBIRTH, payload(254, metric("T", 1L, MetricDataType.Double, 1.0)));
        converter.convertAll(NDATA, payload(255, metric(null, 1L, MetricDataType.Double, 1.0)));
        converter.convertAll(DDATA, payload(0, metric(null, 1L, MetricDataType.Double, 1.0)));
        converter.convertAll(NDATA, payload(3, metric(null, 1L, MetricDataType.Double, 1.0)));
        assertThat(events).containsExactly("gap plant/edge1 1->3");
        assertThat(published).as("sparkplug.rebirth is off").isEmpty();
    }

    @Test
    void oneRecordPerMessageAndDeathsAreRecords() throws Exception {
        SparkplugConverter converter = converter(Map.of(SparkplugConverter.RECORDS, "message"));
        List<PayloadConverter.Converted> message = converter.convertAll(NBIRTH, payload(0,
                metric("A", 1L, MetricDataType.Int32, 1), metric("B", 2L, MetricDataType.String, "x")));
        assertThat(message).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("plant/edge1");
            assertThat(value(record).getArray("metrics")).hasSize(2);
        });
        SparkplugConverter perMetric = converter(Map.of());
        List<PayloadConverter.Converted> death = perMetric.convertAll("spBv1.0/plant/DDEATH/edge1/press",
                new SparkplugBPayloadEncoder().getBytes(new SparkplugBPayload.SparkplugBPayloadBuilder().setSeq(3L)
                        .createPayload(), false));
        assertThat(death).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("plant/edge1/press");
            assertThat(value(record).getString("message_type")).isEqualTo("DDEATH");
            assertThat(value(record).getString("device_id")).isEqualTo("press");
        });
    }

    private static byte[] lean(long seq, SparkplugPayload.Metric... metrics) {
        return new SparkplugPayload(1_000L, List.of(metrics), seq, null).encode();
    }

    @Test
    void dataWithoutADatatypeTakesItsBirthsOrElseItsWireFieldsAndAMismatchIsBadData() throws Exception {
        SparkplugConverter converter = converter(Map.of());
        converter.convertAll(NBIRTH, payload(0, metric("Count", 3L, MetricDataType.Int16, (short) 1)));
        List<PayloadConverter.Converted> data = converter.convertAll(NDATA, lean(1,
                new SparkplugPayload.Metric(null, 3L, null, DataType.UNKNOWN, false, false, false, 65_535L),
                new SparkplugPayload.Metric(null, 9L, null, DataType.UNKNOWN, false, false, false, 7L)));
        assertThat(value(data.get(0)).getInt32("int_value")).as("Int16 from the BIRTH").isEqualTo(-1);
        assertThat(value(data.get(0)).getString("datatype")).isEqualTo("INT16");
        assertThat(value(data.get(1)).getInt64("long_value")).as("long_value on the wire").isEqualTo(7L);

        assertThatThrownBy(() -> converter.convertAll(NDATA, lean(2,
                new SparkplugPayload.Metric("Name", null, null, DataType.STRING, false, false, false, 5L))))
                .isInstanceOf(DataException.class).hasMessageContaining("a Sparkplug STRING metric carries a Long value");
    }

    @Test
    void aRedeliveredMessageIsNoGapAndAStatementThatCannotSeeBirthsNeverAsks() throws Exception {
        SparkplugConverter converter = converter(Map.of(SparkplugConverter.REBIRTH, "true"));
        converter.filter("spBv1.0/+/NDATA/#");
        converter.convertAll(NDATA, payload(4, metric(null, 1L, MetricDataType.Double, 1.0)));
        converter.convertAll(NDATA, payload(4, metric(null, 1L, MetricDataType.Double, 1.0)));
        converter.convertAll(NDATA, payload(5, metric(null, 1L, MetricDataType.Double, 1.0)));
        assertThat(events).as("only the unknown aliases").containsOnly("alias plant/edge1 1");
        assertThat(published).as("its filter never receives an NBIRTH").isEmpty();
    }

    @Test
    void aHostApplicationsStateIsARecordToo() {
        List<PayloadConverter.Converted> state = converter(Map.of()).convertAll("spBv1.0/STATE/scada1",
                "{\"online\":true,\"timestamp\":5}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(state).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("STATE/scada1");
            assertThat(value(record).getString("message_type")).isEqualTo("STATE");
            assertThat(value(record).getString("string_value")).contains("\"online\":true");
        });
    }

    @Test
    void badTopicsPayloadsAndSettingsAreNamed() {
        SparkplugConverter converter = converter(Map.of());
        assertThatThrownBy(() -> converter.convertAll("plant/edge1", new byte[0])).isInstanceOf(DataException.class)
                .hasMessageContaining("is not a Sparkplug B topic");
        assertThatThrownBy(() -> converter.convertAll(NDATA, new byte[] {0x12, 0x7f}))
                .isInstanceOf(DataException.class).hasMessageContaining("not a Sparkplug B payload");
        assertThatThrownBy(() -> new SparkplugConverter().configure(Map.of(SparkplugConverter.RECORDS, "rows")))
                .hasMessage("sparkplug.records is metric or message, not rows");
    }
}
