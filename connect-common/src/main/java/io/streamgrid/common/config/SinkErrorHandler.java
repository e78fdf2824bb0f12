package io.streamgrid.common.config;

import io.streamgrid.common.metrics.ConnectorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the error policy in a sink task. Bad data goes to the worker's dead-letter queue when it has
 * one; a failed write is retried through {@link RetriableException} and {@code context.timeout}, fails
 * the task, or (NOOP, chosen by the user) is dropped and counted. Nothing is dropped silently.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = {"AT_NONATOMIC_64BIT_PRIMITIVE", "AT_NONATOMIC_OPERATIONS_ON_SHARED_VARIABLE",
        "AT_STALE_THREAD_WRITE_OF_PRIMITIVE"}, justification = "used by the sink task's thread only: the worker calls "
        + "put, preCommit and close on one thread")
public final class SinkErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SinkErrorHandler.class);
    private static final Duration AWAY_LOG_INTERVAL = Duration.ofSeconds(30);

    private final ErrorPolicyConfig config;
    private final SinkTaskContext context;
    private final ErrantRecordReporter reporter;
    private final List<Future<Void>> pendingReports = new ArrayList<>();
    private final AtomicLong droppedRecords = new AtomicLong();
    private final AtomicLong deadLetteredRecords = new AtomicLong();
    private final ConnectorMetrics metrics;
    private int retriesLeft;
    /** When the next retry may be made (System.nanoTime), 0 when none is waiting. */
    private long retryDueNanos;
    /** When the server went away (System.nanoTime), 0 while it is there. */
    private long awaySinceNanos;
    private long awayLoggedNanos;

    public SinkErrorHandler(ErrorPolicyConfig config, SinkTaskContext context) {
        this(config, context, null);
    }

    /** {@code metrics}: where dead-lettered and dropped records are counted too (may be null). */
    public SinkErrorHandler(ErrorPolicyConfig config, SinkTaskContext context, ConnectorMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.context = context;
        this.reporter = errantRecordReporter(context);
        this.retriesLeft = config.maxRetries();
    }

    /** The worker's reporter, or null when it has none (no DLQ configured, or a worker older than 2.6). */
    private static ErrantRecordReporter errantRecordReporter(SinkTaskContext context) {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null;
        }
    }

    public boolean hasDeadLetterQueue() {
        return reporter != null;
    }

    /**
     * A record that can never be written as it is (bad data): reported to the dead-letter queue when the
     * worker has one; else NOOP drops it with a WARN log and a count, and THROW or RETRY fail the task
     * (retrying cannot mend data).
     */
    public void badRecord(SinkRecord record, Throwable cause) {
        String where = describe(record);
        if (reporter != null) {
            pendingReports.add(reporter.report(record, cause));
            deadLetteredRecords.incrementAndGet();
            if (metrics != null) {
                metrics.deadLettered(1);
            }
            LOG.debug("Sent record {} to the dead-letter queue: {}", where, cause.getMessage());
            return;
        }
        if (config.policy() == ErrorPolicy.NOOP) {
            droppedRecords.incrementAndGet();
            if (metrics != null) {
                metrics.dropped(1);
            }
            LOG.warn("Dropping record {} under error policy NOOP: {}", where, cause.getMessage());
            return;
        }
        throw new ConnectException("Cannot write record " + where + ": " + cause.getMessage(), cause);
    }

    /**
     * A write of {@code records} failed. RETRY throws {@link RetriableException} after asking the worker
     * to wait, until the retries are used up; THROW (and RETRY past its limit) throws {@link ConnectException};
     * NOOP logs, counts and returns, so the caller goes on without these records.
     */
    public void writeFailed(String what, int records, Throwable cause) {
        switch (config.policy()) {
            case NOOP -> {
                droppedRecords.addAndGet(records);
                if (metrics != null) {
                    metrics.dropped(records);
                }
                LOG.warn("Dropping {} records under error policy NOOP after {} failed: {}", records, what,
                        cause.toString());
            }
            case RETRY -> {
                if (retriesLeft <= 0) {
                    throw new ConnectException(what + " failed and the " + config.maxRetries()
                            + " retries are used up: " + cause.getMessage(), cause);
                }
                retriesLeft--;
                LOG.warn("{} failed ({} retries left, next in {} ms): {}", what, retriesLeft,
                        config.retryInterval().toMillis(), cause.toString());
                throw retryIn(config.retryInterval(), what + " failed; retrying: " + cause.getMessage(), cause);
            }
            default -> throw new ConnectException(what + " failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * A write failed because the server is away (the cluster is down or unreachable): under RETRY it is tried
     * again every {@code interval} for as long as that lasts, without using up {@code max.retries}, and the task
     * fails only once the server has been away for {@code giveUpAfter} (zero: never). THROW fails the task and
     * NOOP drops the records, as for any failed write.
     */
    public void serverAway(String what, int records, Throwable cause, Duration interval, Duration giveUpAfter) {
        if (config.policy() != ErrorPolicy.RETRY) {
            writeFailed(what, records, cause);
            return;
        }
        long now = System.nanoTime();
        if (awaySinceNanos == 0) {
            awaySinceNanos = now;
            awayLoggedNanos = now;
            LOG.warn("{} failed: the server is away ({}); retrying every {} ms until it is back{}", what,
                    cause.toString(), interval.toMillis(),
                    giveUpAfter.isZero() ? "" : ", for at most " + giveUpAfter.toMillis() + " ms");
        }
        Duration away = Duration.ofNanos(now - awaySinceNanos);
        if (!giveUpAfter.isZero() && away.compareTo(giveUpAfter) >= 0) {
            throw new ConnectException(what + " failed: the server has been away for " + away.toMillis()
                    + " ms, longer than the " + giveUpAfter.toMillis() + " ms the task waits: " + cause.getMessage(),
                    cause);
        }
        if (now - awayLoggedNanos >= AWAY_LOG_INTERVAL.toNanos()) {
            awayLoggedNanos = now;
            LOG.info("Still waiting for the server: away for {} s; {} records wait", away.toSeconds(), records);
        }
        throw retryIn(interval, what + " failed; the server is away, retrying: " + cause.getMessage(), cause);
    }

    /**
     * Throws a {@link RetriableException} while a retry is not yet due: the worker may call again sooner than
     * it was asked to (an offset commit comes first), and retries must come as far apart as configured.
     */
    public void throwIfRetryNotDue() {
        if (retryDueNanos == 0) {
            return;
        }
        long remaining = retryDueNanos - System.nanoTime();
        if (remaining > 0) {
            long ms = Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(remaining));
            context.timeout(ms);
            throw new RetriableException("The next retry is due in " + ms + " ms");
        }
    }

    private RetriableException retryIn(Duration interval, String message, Throwable cause) {
        retryDueNanos = System.nanoTime() + interval.toNanos();
        context.timeout(interval.toMillis());
        return new RetriableException(message, cause);
    }

    /** A write went through: the retry budget is full again, and a server that was away is back. */
    public void succeeded() {
        retriesLeft = config.maxRetries();
        retryDueNanos = 0;
        if (awaySinceNanos != 0) {
            LOG.info("The server is back after {} ms away; the records that waited are written",
                    java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - awaySinceNanos));
            awaySinceNanos = 0;
        }
    }

    /** Waits until every record sent to the dead-letter queue is there, so its offset may be committed. */
    public void awaitDeadLetters() {
        try {
            for (Future<Void> report : pendingReports) {
                report.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while writing to the dead-letter queue", e);
        } catch (ExecutionException e) {
            throw new ConnectException("Could not write to the dead-letter queue: " + e.getCause(), e.getCause());
        } finally {
            pendingReports.removeIf(Future::isDone);
        }
    }

    public long droppedRecords() {
        return droppedRecords.get();
    }

    public long deadLetteredRecords() {
        return deadLetteredRecords.get();
    }

    /** Where a record is, for messages: {@code topic=t partition=0 offset=42}. */
    public static String describe(SinkRecord record) {
        return "topic=" + record.topic() + " partition=" + record.kafkaPartition() + " offset=" + record.kafkaOffset();
    }
}
