package io.streamgrid.hazelcast;

import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.HazelcastOverloadException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.RetryableHazelcastException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import com.hazelcast.topic.TopicOverloadException;
import io.streamgrid.hazelcast.writer.FullStructureException;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What kind of failure a write failed with, so that only what can heal is retried (as Debezium's error
 * handlers classify): the cluster being slow, busy, full or moving partitions heals; so does a client that
 * lost the cluster. A failure of the data or the request (the member's store refusing a value, a value it
 * cannot deserialize, an illegal argument) does not: retrying it only delays the error.
 */
enum WriteFailures {
    /** Timeouts, members leaving, migrations, overload, a full bounded structure: retry. */
    TRANSIENT,
    /** The client is offline or shut down: it must reconnect, or be replaced. */
    CLIENT_GONE,
    /** The request itself is refused: no retry helps. */
    PERMANENT;

    static WriteFailures of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HazelcastClientNotActiveException || cause instanceof HazelcastInstanceNotActiveException
                    || cause instanceof HazelcastClientOfflineException) {
                return CLIENT_GONE;
            }
            if (cause instanceof TimeoutException || cause instanceof OperationTimeoutException
                    || cause instanceof TargetDisconnectedException || cause instanceof RetryableHazelcastException
                    || cause instanceof MemberLeftException || cause instanceof HazelcastOverloadException
                    || cause instanceof TopicOverloadException || cause instanceof SplitBrainProtectionException
                    || cause instanceof FullStructureException || cause instanceof IOException
                    || cause instanceof RejectedExecutionException) {
                return TRANSIENT;
            }
        }
        return PERMANENT;
    }
}
