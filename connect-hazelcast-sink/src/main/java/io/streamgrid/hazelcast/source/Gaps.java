package io.streamgrid.hazelcast.source;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the task does when a structure no longer holds the next item it would read (it wrapped while the task was
 * away or behind): never silent. The loss is counted in lost-total and logged at WARN with the structure, the
 * partition and how many items; the gap policy then goes on from the oldest item still there (SKIP) or fails the
 * task once the items read before the gap are in Kafka (FAIL).
 */
final class Gaps {

    private static final Logger LOG = LoggerFactory.getLogger(Gaps.class);

    private final HazelcastSourceConfig.GapPolicy policy;
    private final HandoffQueue<SourceItem> queue;
    private final ConnectorMetrics metrics;

    Gaps(HazelcastSourceConfig.GapPolicy policy, HandoffQueue<SourceItem> queue, ConnectorMetrics metrics) {
        this.policy = policy;
        this.queue = queue;
        this.metrics = metrics;
    }

    /**
     * The items {@code expected}..{@code oldest - 1} are gone; true when reading goes on from {@code oldest}, false
     * when the task fails (the queue carries the failure to poll()).
     */
    boolean gap(Cursor cursor, long expected, long oldest) {
        long lost = oldest - expected;
        metrics.lost(lost);
        String what = "Lost " + lost + " item" + (lost == 1 ? "" : "s") + " of " + cursor + ": sequences " + expected
                + " to " + (oldest - 1) + " were overwritten before the task read them (the structure wrapped while "
                + "the connector was stopped or behind; give it a larger capacity)";
        if (policy == HazelcastSourceConfig.GapPolicy.SKIP) {
            LOG.warn("{}; going on from sequence {}, the oldest still there ({} = SKIP)", what, oldest,
                    HazelcastSourceConfig.GAP_POLICY_CONFIG);
            return true;
        }
        LOG.warn("{}; the task fails ({} = FAIL)", what, HazelcastSourceConfig.GAP_POLICY_CONFIG);
        queue.fail(new ConnectException(what + ". The task fails (" + HazelcastSourceConfig.GAP_POLICY_CONFIG
                + " = FAIL); to go on from the oldest item still there, set it to SKIP, or reset the connector's "
                + "offsets"));
        return false;
    }

    /** The structure starts again below the task's sequence: the cluster lost it (all its members restarted). */
    void restarted(Cursor cursor, long expected, long now) {
        LOG.warn("{} starts again at sequence {}, below the task's {}: the cluster lost it and made it anew (its "
                + "members restarted without the data). Reading it from there; what it held after sequence {} before "
                + "is gone unless it was read", cursor, now, expected, expected - 1);
    }
}
