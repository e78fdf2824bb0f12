package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The KCQL forms of stream-reactor's public docs for its Hazelcast sink, MQTT source and CoAP source. */
class StreamReactorCompatibilityTest {

    @ParameterizedTest
    @CsvSource({"RING_BUFFER", "RELIABLE_TOPIC", "QUEUE", "SET", "LIST"})
    void hazelcastAppendTargets(String type) {
        KcqlStatement s = Kcql.parseOne("INSERT INTO lenses SELECT x,y,z FROM topicB WITHFORMAT AVRO STOREAS " + type);
        assertThat(s.target()).isEqualTo("lenses");
        assertThat(s.source()).isEqualTo("topicB");
        assertThat(s.fields()).extracting(SelectedField::outputName).containsExactly("x", "y", "z");
        assertThat(s.format()).contains(Format.AVRO);
        assertThat(s.storeAs()).contains(new StoreAs(type, Map.of()));
    }

    @ParameterizedTest
    @CsvSource({"IMAP", "MULTI_MAP", "ICACHE"})
    void hazelcastKeyedTargets(String type) {
        KcqlStatement s = Kcql.parseOne(
                "INSERT INTO lenses SELECT x,y,z FROM topicB PK field1 WITHFORMAT AVRO STOREAS " + type);
        assertThat(s.primaryKeys()).containsExactly(FieldPath.value("field1"));
        assertThat(s.storeAs().map(StoreAs::type)).contains(type);
    }

    @Test
    void hazelcastSeedSinkConfig() {
        KcqlStatement s = Kcql.parseOne("INSERT INTO dev SELECT * FROM coap_sensor_topic WITHFORMAT JSON STOREAS QUEUE");
        assertThat(s.storeAs().map(StoreAs::type)).contains("QUEUE");
        assertThat(s.format()).contains(Format.JSON);
    }

    @Test
    void mqttConverterInBackticks() {
        KcqlStatement s = Kcql.parseOne("INSERT INTO mqtt SELECT * FROM /mjson WITHCONVERTER="
                + "`io.lenses.streamreactor.connect.converters.source.JsonSimpleConverter`");
        assertThat(s.target()).isEqualTo("mqtt");
        assertThat(s.source()).isEqualTo("/mjson");
        assertThat(s.converter()).contains("io.lenses.streamreactor.connect.converters.source.JsonSimpleConverter");
    }

    @Test
    void mqttConverterUnquoted() {
        KcqlStatement s = Kcql.parseOne("INSERT INTO topic SELECT * FROM /mqttTopicA WITHCONVERTER=myclass");
        assertThat(s.converter()).contains("myclass");
    }

    @Test
    void mqttWildcardSubscription() {
        KcqlStatement s = Kcql.parseOne(
                "INSERT INTO kafkaTopic1 SELECT * FROM /mqttTopicA/+/sensors WITHCONVERTER=`myclass`");
        assertThat(s.source()).isEqualTo("/mqttTopicA/+/sensors");
        assertThat(s.converter()).contains("myclass");
    }

    @Test
    void mqttWildcardAndSharedSubscriptionsInSingleQuotes() {
        assertThat(Kcql.parseOne("INSERT INTO kafkaTopic1 SELECT * FROM '/mqttTopicA/+/sensors'").source())
                .isEqualTo("/mqttTopicA/+/sensors");
        assertThat(Kcql.parseOne("INSERT INTO kafkaTopic1 SELECT * FROM '$share/group1/mqttTopicA/#'").source())
                .isEqualTo("$share/group1/mqttTopicA/#");
    }

    @Test
    void mqttDynamicTarget() {
        KcqlStatement s = Kcql.parseOne("INSERT INTO `$` SELECT * FROM '/mqttTopicA/+/sensors'");
        assertThat(s.target()).isEqualTo("$");
    }

    @Test
    void mqttWithKeyAndDelimiter() {
        KcqlStatement s = Kcql.parseOne(
                "INSERT INTO kafkaTopic SELECT * FROM /mqttTopicA WITHKEY(field1, field2.A, field3) KEYDELIMITER='.'");
        assertThat(s.keyFields()).containsExactly(
                FieldPath.value("field1"), FieldPath.value("field2", "A"), FieldPath.value("field3"));
        assertThat(s.keyDelimiter()).contains(".");
    }

    @Test
    void coapSource() {
        assertThat(Kcql.parseOne("INSERT INTO topicA SELECT * FROM resourceA").source()).isEqualTo("resourceA");
        assertThat(Kcql.parseOne("INSERT INTO coap SELECT * FROM obs-pumping").source()).isEqualTo("obs-pumping");
    }

    @Test
    void severalStatementsSeparatedBySemicolons() {
        assertThat(Kcql.parse("INSERT INTO a SELECT * FROM t1;INSERT INTO b SELECT x FROM t2 WITHFORMAT JSON"))
                .extracting(KcqlStatement::target).containsExactly("a", "b");
    }
}
