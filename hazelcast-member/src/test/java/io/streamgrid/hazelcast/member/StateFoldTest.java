package io.streamgrid.hazelcast.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.internal.json.Json;
import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule both state modes apply: the task's fold ahead and the member's apply give the sequential result. */
class StateFoldTest {

    private final StateFold json = new StateFold(new JsonForm(true), true, "ts");

    private static StateUpdate update(String text) {
        JsonObject document = JsonForm.parseObject(text);
        return new StateUpdate(document, new BigDecimal(document.get("ts").toString()));
    }

    private static JsonObject stored(KeyUpdate.Outcome outcome) {
        return Json.parse(((HazelcastJsonValue) outcome.stored()).getValue()).asObject();
    }

    @Test
    void aBatchFoldsIntoOneDocumentThatMergesOverTheStoredOne() {
        KeyUpdate batch = json.prepare(List.of(update("{\"t\":1,\"ts\":5}"), update("{\"t\":0,\"ts\":4}"),
                update("{\"battery\":80,\"ts\":6}")), false);
        assertThat(batch.dropped()).as("older than the update before it: skipped whatever is stored").isEqualTo(1);
        assertThat(batch.folded()).hasToString("{\"t\":1,\"ts\":6,\"battery\":80}");

        KeyUpdate.Outcome outcome = json.apply("d1", new HazelcastJsonValue("{\"t\":9,\"humidity\":40,\"ts\":3}"),
                batch.firstTry());
        assertThat(stored(outcome)).isEqualTo(Json.parse("{\"t\":1,\"humidity\":40,\"ts\":6,\"battery\":80}"));
        assertThat(outcome.stale()).isEqualTo(1);
    }

    @Test
    void aStoredVersionPastTheFirstUpdateNeedsTheUpdatesOneByOne() {
        KeyUpdate batch = json.prepare(List.of(update("{\"t\":1,\"ts\":5}"), update("{\"h\":2,\"ts\":7}")), false);
        Object stored = new HazelcastJsonValue("{\"t\":9,\"ts\":6}");

        assertThat(json.apply("d1", stored, batch.firstTry()).needsChain()).isTrue();
        KeyUpdate.Outcome outcome = json.apply("d1", stored, batch);
        assertThat(stored(outcome)).as("the reading of ts 5 is older than the stored 6; that of 7 applies")
                .isEqualTo(Json.parse("{\"t\":9,\"ts\":7,\"h\":2}"));
        assertThat(outcome.stale()).isEqualTo(1);

        KeyUpdate.Outcome nothing = json.apply("d1", new HazelcastJsonValue("{\"ts\":8}"), batch);
        assertThat(nothing.stored()).as("every update older: the stored value stays").isNull();
        assertThat(nothing.stale()).isEqualTo(2);
    }

    @Test
    void aTombstoneDeletesAndWhatFollowsItIsANewValue() {
        Object stored = new HazelcastJsonValue("{\"a\":1,\"ts\":9}");
        assertThat(json.apply("d1", stored, json.prepare(List.of(), true)).delete()).isTrue();
        assertThat(stored(json.apply("d1", stored, json.prepare(List.of(update("{\"b\":2,\"ts\":1}")), true))))
                .isEqualTo(Json.parse("{\"b\":2,\"ts\":1}"));
    }

    @Test
    void compactUpdatesFoldInTheirOwnKindsThenTakeTheStoredKind() {
        StateFold compact = new StateFold(new CompactForm("State", false), true, "ts");
        GenericRecord stored = GenericRecordBuilder.compact("State").setInt64("t", 20).setInt64("ts", 1).build();
        KeyUpdate batch = compact.prepare(List.of(
                new StateUpdate(GenericRecordBuilder.compact("State").setFloat64("t", 21.5).setInt64("ts", 2).build(),
                        BigDecimal.valueOf(2)),
                new StateUpdate(GenericRecordBuilder.compact("State").setInt64("t", 22).setInt64("ts", 3).build(),
                        BigDecimal.valueOf(3))), false);

        GenericRecord merged = (GenericRecord) compact.apply("d1", stored, batch.firstTry()).stored();
        assertThat(merged.getFieldKind("t")).as("the last value, 22, fits the stored INT64").isEqualTo(FieldKind.INT64);
        assertThat(merged.getInt64("t")).isEqualTo(22L);
        assertThat(compact.apply("d1", stored, batch).stored()).as("the same with the chain").isEqualTo(merged);
    }
}
