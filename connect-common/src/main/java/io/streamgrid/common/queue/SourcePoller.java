package io.streamgrid.common.queue;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.common.metrics.ConnectorMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll and commit steps both push sources share: drain a batch from the handoff queue, turn each item into
 * records under the bad-message policy, and count what Kafka acknowledges. A bad item is skipped and counted
 * (SKIP), dead-lettered (DLQ), or fails the task (FAIL) once the records of every other item of its batch, before
 * and after it, have been handed over: none of those waits for a restart, and none is lost (a CoAP response is
 * never sent again; an MQTT message taken from the broker comes again only with a persistent session).
 */
public final class SourcePoller<T> {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);

    /** What becomes, under FAIL, of the items of a batch that come after a bad one. */
    public enum AfterFailure {
        /** Handed over before the task fails: for sources that cannot have them again (MQTT, CoAP). */
        HAND_OVER,
        /**
         * Held back with the bad item, and read again by the restarted task: for sources whose offsets are exact
         * positions (Hazelcast sequences), where a later item's committed offset would have the restarted task
         * start past the bad item.
         */
        HOLD_BACK
    }

    /** What the task does with its items. */
    public interface Items<T> {
        /** The item's records; a {@link DataException} when it cannot become one. */
        List<SourceRecord> records(T item);

        /** The item for messages: where it came from ("MQTT message on topic 'a/b' (message id 3, QoS 1)"). */
        String describe(T item);

        /** When the item arrived from the device (epoch ms). */
        long arrivalMs(T item);

        /** A bad item was skipped (MQTT acknowledges it). */
        default void skipped(T item) {
        }

        /**
         * The dead-letter record of a bad item: its payload as it came, to {@code topic}, with {@code errorHeaders}
         * and the item's own headers (where it came from); MQTT acknowledges the message once Kafka has it.
         */
        SourceRecord deadLetter(T item, String topic, ConnectHeaders errorHeaders);
    }

    private final HandoffQueue<T> queue;
    private final SourceQueueConfig settings;
    private final BadMessagePolicy policy;
    private final String deadLetterTopic;
    private final String policyKey;
    private final String onFail;
    private final Items<T> items;
    private final ConnectorMetrics metrics;
    private final AfterFailure afterFailure;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private RuntimeException failureAfterBatch;

    /**
     * @param deadLetterTopic where bad items go under {@link BadMessagePolicy#DLQ}, else null
     * @param policyKey the config key of the policy, for messages
     * @param onFail    what else a failure means, for messages ("the message stays unacknowledged")
     */
    public SourcePoller(HandoffQueue<T> queue, SourceQueueConfig settings, BadMessagePolicy policy,
                        String deadLetterTopic, String policyKey, String onFail, Items<T> items,
                        ConnectorMetrics metrics) {
        this(queue, settings, policy, deadLetterTopic, policyKey, onFail, items, metrics, AfterFailure.HAND_OVER);
    }

    /** @param afterFailure what becomes of the items of a batch after a bad one under FAIL */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "the poller drains the task's own queue, which "
            + "the client thread fills")
    public SourcePoller(HandoffQueue<T> queue, SourceQueueConfig settings, BadMessagePolicy policy,
                        String deadLetterTopic, String policyKey, String onFail, Items<T> items,
                        ConnectorMetrics metrics, AfterFailure afterFailure) {
        this.afterFailure = afterFailure;
        this.queue = queue;
        this.settings = settings;
        this.policy = policy;
        this.deadLetterTopic = deadLetterTopic;
        this.policyKey = policyKey;
        this.onFail = onFail;
        this.items = items;
        this.metrics = metrics;
    }

    /** {@code SourceTask.poll()}: at most one batch of records, null when nothing came within the poll timeout. */
    public List<SourceRecord> poll() throws InterruptedException {
        if (failureAfterBatch != null) {
            RuntimeException failure = failureAfterBatch;
            failureAfterBatch = null;
            throw failure;
        }
        List<T> batch = queue.poll(settings.pollBatchSize(), settings.pollTimeout());
        if (batch.isEmpty()) {
            return null;
        }
        metrics.batch(System.currentTimeMillis() - items.arrivalMs(batch.get(0)));
        List<SourceRecord> records = new ArrayList<>(batch.size());
        List<ConnectException> failures = new ArrayList<>(0);
        for (T item : batch) {
            try {
                records.addAll(items.records(item));
            } catch (DataException e) {
                if (policy == BadMessagePolicy.DLQ) {
                    ConnectHeaders headers = new ConnectHeaders();
                    headers.addString("streamgrid.error.reason", String.valueOf(e.getMessage()));
                    headers.addString("streamgrid.error.policy", policy.name());
                    headers.addLong("streamgrid.error.time", System.currentTimeMillis());
                    records.add(items.deadLetter(item, deadLetterTopic, headers));
                    metrics.deadLettered(1);
                    LOG.warn("Sending the {} to the dead-letter topic '{}': {} ({}=DLQ)", items.describe(item),
                            deadLetterTopic, e.getMessage(), policyKey);
                    continue;
                }
                if (policy == BadMessagePolicy.SKIP) {
                    skipped.incrementAndGet();
                    metrics.skipped(1);
                    LOG.warn("Skipping the {}: {} ({}=SKIP)", items.describe(item), e.getMessage(), policyKey);
                    items.skipped(item);
                    continue;
                }
                failures.add(new ConnectException("Cannot turn the " + items.describe(item)
                        + " into a record: " + e.getMessage() + " (" + policyKey + "=FAIL" + onFail + ")", e));
                if (afterFailure == AfterFailure.HOLD_BACK) {
                    break; // the rest of the batch is read again after the restart, from the bad item on
                }
            }
        }
        if (!failures.isEmpty()) {
            ConnectException failure = oneFailure(failures);
            if (records.isEmpty()) {
                throw failure;
            }
            failureAfterBatch = failure; // hand over the good records first; the task fails on the next poll
        }
        inFlight.addAndGet(records.size());
        return records.isEmpty() ? null : records;
    }

    /** The first bad item's failure, naming how many more the batch held; theirs are suppressed in it. */
    private static ConnectException oneFailure(List<ConnectException> failures) {
        ConnectException first = failures.get(0);
        if (failures.size() == 1) {
            return first;
        }
        int more = failures.size() - 1;
        ConnectException failure = new ConnectException(first.getMessage() + "; and " + more + " more bad item"
                + (more == 1 ? "" : "s") + " in the same batch (each a suppressed exception)", first.getCause());
        failures.subList(1, failures.size()).forEach(failure::addSuppressed);
        return failure;
    }

    /** {@code SourceTask.commitRecord}: Kafka has the record (metadata null: a transform dropped it). */
    public void committed(SourceRecord record, RecordMetadata metadata) {
        inFlight.decrementAndGet();
        if (metadata != null && !record.topic().equals(deadLetterTopic)) { // a dead letter counts in dead-lettered
            metrics.recordsOut(1);
            if (record.timestamp() != null) {
                metrics.lag(System.currentTimeMillis() - record.timestamp());
            }
        }
    }

    /** Records handed to the worker that Kafka has not acknowledged yet. */
    public long inFlight() {
        return inFlight.get();
    }

    public long skipped() {
        return skipped.get();
    }
}
