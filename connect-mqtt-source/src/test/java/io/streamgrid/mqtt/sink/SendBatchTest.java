package io.streamgrid.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A put's batch ends with the last answer to its messages, not with an answer that comes while put still adds. */
class SendBatchTest {

    @Test
    void aBatchIsNotDoneWhileItsPutStillAddsMessages() {
        SendBatch batch = new SendBatch();
        batch.added(1);
        assertThat(batch.messageDone()).as("answered before the put added its next message").isNegative();
        batch.added(1);
        assertThat(batch.allAdded()).as("one message still unanswered").isNegative();
        assertThat(batch.messageDone()).as("the last answer ends the batch").isNotNegative();
    }

    @Test
    void aBatchWhoseMessagesWereAllAnsweredEndsWhenPutHasAddedEverything() {
        SendBatch batch = new SendBatch();
        batch.added(2);
        assertThat(batch.messageDone()).isNegative();
        assertThat(batch.messageDone()).isNegative();
        assertThat(batch.allAdded()).as("ends once, here").isNotNegative();
    }

    @Test
    void aPutThatAddedNoMessageIsNoBatch() {
        assertThat(new SendBatch().allAdded()).isNegative();
    }
}
