package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 notifications, more than CoAP's 65,536 message ids, at the rate the server can send them: with
 * CoAP's default lifetimes the stream stalls after about 60,000 (ids run out, or come back while still
 * remembered as duplicates); configured as the connector is, it goes on to the end.
 */
class CoapLongStreamTest {

    private static final int TOTAL = 100_000;
    /**
     * Notifications the server may be ahead of the records: a small datagram takes about 1 KiB of a socket buffer
     * (the kernel counts its whole allocation), so the default 208 KiB holds some 200.
     */
    private static final int AHEAD = 100;
    private static final Pattern N = Pattern.compile("\\{\"n\":(\\d+)}");

    @Test
    @Timeout(300)
    void hundredThousandNotificationsWithoutAStall() throws Exception {
        try (TestCoapServer server = new TestCoapServer()) {
            CoapSourceTask task = Tasks.start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                    "connect.coap.queue.size", "200000", "connect.coap.batch.size", "10000",
                    "connect.coap.observe.silence.timeout", "5000"));
            try {
                AtomicLong received = new AtomicLong();
                AtomicLong highest = new AtomicLong();
                Thread consumer = new Thread(() -> {
                    try {
                        while (highest.get() < TOTAL && !Thread.currentThread().isInterrupted()) {
                            List<SourceRecord> batch = task.poll();
                            if (batch != null) {
                                received.addAndGet(batch.size());
                                for (SourceRecord record : batch) {
                                    Matcher m = N.matcher(String.valueOf(((Struct) record.value()).get("payload")));
                                    if (m.matches()) {
                                        highest.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
                                    }
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "consumer");
                consumer.start();
                while (received.get() == 0) { // the observation is in place once the first record came
                    server.temperature.publish("{\"n\":0}");
                    Thread.sleep(50);
                }
                long start = System.nanoTime();
                boolean pacing = true;
                for (int n = 1; n <= TOTAL; n++) {
                    // no further ahead of the task than its socket's buffer holds: on a busy machine the consumer
                    // falls behind now and then, and UDP would drop what the buffer cannot take. A stream that
                    // stalls (what this test is about) makes no progress for 10 s: then it is published unpaced,
                    // and the assertions below tell
                    long waitFrom = System.nanoTime();
                    while (pacing && n - highest.get() > AHEAD) {
                        if (System.nanoTime() - waitFrom > 10_000_000_000L) {
                            pacing = false;
                        }
                        Thread.onSpinWait();
                    }
                    server.temperature.publishPaced("{\"n\":" + n + "}"); // as fast as the server sends them
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (highest.get() < TOTAL && System.nanoTime() < deadline) {
                    server.temperature.publish("{\"n\":" + TOTAL + "}");
                    Thread.sleep(200);
                }
                consumer.interrupt();
                consumer.join(5000);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("CoAP long stream: %d records for %d notifications in %.1f s (%.0f/s)%n",
                        received.get(), TOTAL, seconds, received.get() / seconds);
                assertThat(highest.get()).as("the last notification arrived: no stall").isEqualTo(TOTAL);
                assertThat(server.temperature.sent.get()).as("the server sent (nearly) every notification, far more "
                        + "than the 65,536 message ids").isGreaterThanOrEqualTo(TOTAL * 99L / 100);
                // NON notifications over UDP: the server stays at most AHEAD notifications ahead of the records, so
                // the source's socket buffer (the kernel's default, 208 KiB) does not overflow when the two cores are
                // busy (before that pacing 1-5 % were lost in runs on a loaded machine). The point of this test is the
                // stall across the message-id wrap, asserted above; loss stays small
                assertThat(received.get()).as("(nearly) every notification became a record (UDP on loopback may "
                        + "lose a few)").isGreaterThanOrEqualTo(TOTAL * 99L / 100);
            } finally {
                task.stop();
            }
        }
    }
}
