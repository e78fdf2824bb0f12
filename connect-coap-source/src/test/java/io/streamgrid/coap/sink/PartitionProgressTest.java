package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a partition's progress holds while one record stays open and the ones after it finish. */
class PartitionProgressTest {

    private static RecordTicket finished(long offset) {
        RecordTicket ticket = new RecordTicket(offset, 1, () -> { });
        ticket.partDone();
        return ticket;
    }

    @Test
    void recordsFinishedBehindAnOpenOneAreNotHeldForEver() {
        PartitionProgress progress = new PartitionProgress();
        RecordTicket away = new RecordTicket(0, 1, () -> { }); // a device away for its rounds of retries
        progress.add(away);
        for (long offset = 1; offset <= 100_000; offset++) {
            progress.add(finished(offset)); // every other device answers
        }

        assertThat(progress.held()).as("bounded by the records open, not by all that came since")
                .isLessThanOrEqualTo(1024);
        assertThat(progress.lowestOpen()).hasValue(0);
        away.partDone();
        assertThat(progress.lowestOpen()).isEmpty();
    }

    @Test
    void theFirstOpenRecordIsFoundAmongFinishedOnes() {
        PartitionProgress progress = new PartitionProgress();
        RecordTicket[] tickets = new RecordTicket[3000];
        for (int i = 0; i < tickets.length; i++) {
            tickets[i] = new RecordTicket(i, 1, () -> { });
            if (i % 1000 != 500) {
                tickets[i].partDone();
            }
            progress.add(tickets[i]);
        }
        assertThat(progress.lowestOpen()).hasValue(500);
        tickets[500].partDone();
        assertThat(progress.lowestOpen()).hasValue(1500);
        tickets[1500].partDone();
        tickets[2500].partDone();
        assertThat(progress.lowestOpen()).isEmpty();
    }
}
