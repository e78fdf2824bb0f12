package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.internal.json.Json;
import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device state on the members of a cluster of three: a batch goes as one entry-processor call per partition, and
 * every key gets its own updates, in Kafka order, whichever member it lives on.
 */
class MemberStateClusterTest {

    @RegisterExtension
    static final SinkTaskFixture FIXTURE = new SinkTaskFixture(3);

    @Test
    void everyKeyOnEveryMemberGetsItsOwnUpdatesInOrder() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "telemetry-" + suffix;
        String map = "device_state_" + suffix;
        HazelcastSinkTask task = FIXTURE.start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id STOREAS IMAP (merge = true, jsonValue = true, version = ts)",
                HazelcastSinkConfig.STATE_MODE_CONFIG, "member");
        long offset = 0;
        for (int round = 0; round < 3; round++) {
            List<SinkRecord> records = new ArrayList<>();
            for (int reading = 0; reading < 5; reading++) {
                for (int d = 0; d < 300; d++) {
                    int ts = round * 5 + reading;
                    records.add(new SinkRecord(topic, 0, null, null, Schema.STRING_SCHEMA, "{\"device_id\":\"d" + d
                            + "\",\"r" + reading + "\":" + ts + ",\"last\":" + ts + ",\"ts\":" + ts + "}", offset++));
                }
            }
            putAndFlush(task, records);
        }

        IMap<Object, Object> state = FIXTURE.member().getMap(map);
        assertThat(state.size()).isEqualTo(300);
        for (int d = 0; d < 300; d++) {
            JsonObject stored = Json.parse(((HazelcastJsonValue) state.get("d" + d)).getValue()).asObject();
            assertThat(stored.get("last").asInt()).as("d" + d + ": " + stored).isEqualTo(14);
            assertThat(stored.get("r0").asInt()).as("d" + d + ": merged from the last round").isEqualTo(10);
            assertThat(stored.get("r4").asInt()).isEqualTo(14);
        }
        assertThat(FIXTURE.members().member(1).getPartitionService().getPartitions().stream()
                .filter(p -> p.getOwner() != null && p.getOwner().localMember()).count())
                .as("the keys live on several members").isPositive();
    }
}
