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

    /**
     * A sequence the task chose to start at (its {@code start}, or a new cluster's oldest item), not one it read up
     * to, moved before the first read: the structure overwrote its oldest items in between (it is full and busy), or
     * ended below it. Nothing the task was to read is lost; it starts at {@code first}.
     */
    void startedAt(Cursor cursor, long chosen, long first) {
        LOG.info("Reading {} from sequence {}, where its first read began: {} (where it was to start) {} meanwhile",
                cursor, first, chosen, first > chosen ? "was overwritten" : "is past the structure's end");
    }

    /** The cluster is a new one (all its members restarted): every structure starts again, read from its oldest. */
    void restarted(Cursor cursor, long expected) {
        LOG.warn("{}: the cluster is a new one (all its members restarted) and the structure with it; reading it "
                + "from its oldest item. What it held before is gone, with whatever came after sequence {}, the last "
                + "the task read", cursor, expected - 1);
    }

    /**
     * The structure ends below the task's next sequence in the same cluster: the member that held its newest items
     * died before its backup had them (they were written without waiting for backups), so the items the task read
     * there are gone from the cluster, and the next item to come takes sequence {@code next}.
     */
    void behind(Cursor cursor, long expected, long next) {
        LOG.warn("{} ends at sequence {}, below the task's next sequence {}: the member that held its newest items "
                + "died before its backup had them (written without waiting for backups), and they are gone from the "
                + "cluster (the task had read them). Going on from sequence {}, the next item to come", cursor,
                next - 1, expected, next);
    }
}
