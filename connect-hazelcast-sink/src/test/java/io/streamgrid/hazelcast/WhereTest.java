package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.ObjectName;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WHERE on the sink: the seed's alerts reach a reliable topic, and nothing else does. */
class WhereTest {

    @RegisterExtension
    static final SinkTaskFixture FIXTURE = new SinkTaskFixture(1);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "telemetry-" + suffix;

    private SinkRecord json(long offset, String value) {
        return new SinkRecord(topic, 0, null, null, Schema.STRING_SCHEMA, value, offset);
    }

    private static double metric(String connector, String statement, String name) throws Exception {
        ObjectName metrics = new ObjectName("kafka.connect:type=plugins,connector="
                + connector + ",task=0" + (statement == null ? "" : ",statement=" + statement));
        return (Double) ManagementFactory.getPlatformMBeanServer().getAttribute(metrics, name);
    }

    /** Every message of a reliable topic from its first, through a listener that starts at sequence 0. */
    private static List<Object> messages(String topic, int expected) {
        List<Object> messages = new CopyOnWriteArrayList<>();
        FIXTURE.member().getReliableTopic(topic).addMessageListener(new ReliableMessageListener<>() {
            @Override
            public void onMessage(Message<Object> message) {
                messages.add(message.getMessageObject());
            }

            @Override
            public long retrieveInitialSequence() {
                return 0;
            }

            @Override
            public void storeSequence(long sequence) {
            }

            @Override
            public boolean isLossTolerant() {
                return false;
            }

            @Override
            public boolean isTerminal(Throwable failure) {
                return true;
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> messages.size() >= expected);
        return messages;
    }

    @Test
    void alertsReachTheReliableTopicAndEveryReadingTheRingbuffer() throws Exception {
        String alerts = "alerts_" + suffix;
        String readings = "readings_" + suffix;
        String connector = "where-" + suffix;
        HazelcastSinkTask task = FIXTURE.start("INSERT INTO " + readings + " SELECT * FROM " + topic
                + " STOREAS RING_BUFFER; INSERT INTO " + alerts + " SELECT device_id, temperature, ts FROM " + topic
                + " WHERE temperature > 80 OR battery < 5 STOREAS RELIABLE_TOPIC", "name", connector);
        putAndFlush(task, List.of(
                json(0, "{\"device_id\":\"d1\",\"temperature\":21.5,\"battery\":90,\"ts\":1}"),
                json(1, "{\"device_id\":\"d2\",\"temperature\":85,\"battery\":90,\"ts\":2}"),
                json(2, "{\"device_id\":\"d3\",\"temperature\":20,\"battery\":3,\"ts\":3}"),
                json(3, "{\"device_id\":\"d4\",\"temperature\":80,\"ts\":4}"),
                json(4, "{\"device_id\":\"d5\",\"temperature\":null,\"battery\":null,\"ts\":5}")));

        assertThat(FIXTURE.member().getRingbuffer("_hz_rb_" + alerts).size()).as("only the alerts").isEqualTo(2);
        assertThat(messages(alerts, 2)).containsExactly("{\"device_id\":\"d2\",\"temperature\":85,\"ts\":2}",
                        "{\"device_id\":\"d3\",\"temperature\":20,\"ts\":3}");
        assertThat(FIXTURE.member().getRingbuffer(readings).size()).isEqualTo(5);
        assertThat(metric(connector, "2", "filtered-total")).as("the alerts statement's own count").isEqualTo(3.0);
        assertThat(metric(connector, null, "filtered-total")).as("the task's").isEqualTo(3.0);
        assertThat(metric(connector, null, "records-out-total")).isEqualTo(7.0);
    }

    @Test
    void aValueTheConditionCannotCompareIsBadDataAndTheRestIsWritten() throws Exception {
        String alerts = "alerts_" + suffix;
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = FIXTURE.start(context, "INSERT INTO " + alerts + " SELECT * FROM " + topic
                + " WHERE temperature > 80 STOREAS RING_BUFFER");
        putAndFlush(task, List.of(json(0, "{\"temperature\":81}"), json(1, "{\"temperature\":\"hot\"}"),
                json(2, "{\"temperature\":99}")));

        assertThat(FIXTURE.member().getRingbuffer(alerts).size()).isEqualTo(2);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("field 'temperature' (string 'hot')")
                .hasMessageContaining("topic=" + topic + " partition=0 offset=1");
    }

    @Test
    void aTombstoneStillDeletesWhateverTheCondition() {
        String map = "state_" + suffix;
        HazelcastSinkTask task = FIXTURE.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK _key WHERE temperature > 80 STOREAS IMAP");
        putAndFlush(task, List.of(new SinkRecord(topic, 0, Schema.STRING_SCHEMA, "d1", Schema.STRING_SCHEMA,
                "{\"temperature\":90}", 0)));
        assertThat(FIXTURE.member().getMap(map).containsKey("d1")).isTrue();
        putAndFlush(task, List.of(new SinkRecord(topic, 0, Schema.STRING_SCHEMA, "d1", null, null, 1)));
        assertThat(FIXTURE.member().getMap(map).containsKey("d1")).isFalse();
    }
}
