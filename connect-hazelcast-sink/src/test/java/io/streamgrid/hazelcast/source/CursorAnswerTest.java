package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Answers reach a cursor on Hazelcast's threads. One made before the cursor moved (a cluster restart) can pass the
 * reading loop's epoch check just before the move and arrive after the new read's answer: it must not replace that
 * answer, which the reading thread would then never see, leaving the cursor waiting for a read no longer in flight.
 */
class CursorAnswerTest {

    private static final ReadBudget BUDGET = new ReadBudget(100, 1_000_000, () -> { });

    private static ReadLoop.Answer answer(Cursor cursor, int epoch) {
        return new ReadLoop.Answer(null, cursor, epoch, null, 0, null, null, BUDGET);
    }

    @Test
    void anOlderAnswerArrivingAfterANewerOneIsDroppedNotKept() {
        Cursor cursor = new Cursor(new StructureId(StructureType.RING_BUFFER, "r"), 0);
        ReadLoop.Answer older = answer(cursor, cursor.epoch());
        cursor.restartAt(0);
        ReadLoop.Answer newer = answer(cursor, cursor.epoch());

        assertThat(cursor.answer(newer)).as("queued for the reading thread").isTrue();
        cursor.answer(older);

        assertThat(cursor.takeAnswer()).isSameAs(newer);
    }

    @Test
    void aNewerAnswerReplacesAnOlderOne() {
        Cursor cursor = new Cursor(new StructureId(StructureType.RING_BUFFER, "r"), 0);
        ReadLoop.Answer older = answer(cursor, cursor.epoch());
        cursor.restartAt(0);
        ReadLoop.Answer newer = answer(cursor, cursor.epoch());

        assertThat(cursor.answer(older)).isTrue();
        cursor.answer(newer);

        assertThat(cursor.takeAnswer()).isSameAs(newer);
    }
}
