package io.streamgrid.hazelcast;

import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import java.io.NotSerializableException;

/**
 * What kind of failure a write failed with, so that only what can heal is retried (as Debezium's error
 * handlers classify): the cluster being slow, busy, full or moving partitions heals; so does a client that
 * lost the cluster. A failure of the data or the request (the member's store refusing a value, a value it
 * cannot deserialize, an illegal argument) does not: retrying it only delays the error.
 */
enum WriteFailures {
    /** Timeouts, members leaving, migrations, overload, a full bounded structure, anything unrecognised: retry. */
    TRANSIENT,
    /** The client is offline or shut down: it must reconnect, or be replaced. */
    CLIENT_GONE,
    /** The request or the data is refused (illegal argument, serialization): no retry helps. */
    PERMANENT;

    /**
     * The kind of a failure: the client being away wins, then a refusal of the request or the data anywhere in
     * the cause chain; anything else may heal and is retried (within max.retries), since failing a task or
     * dead-lettering a record for a failure nobody recognised would lose more than a retry costs.
     */
    static WriteFailures of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HazelcastClientNotActiveException || cause instanceof HazelcastInstanceNotActiveException
                    || cause instanceof HazelcastClientOfflineException) {
                return CLIENT_GONE;
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HazelcastSerializationException || cause instanceof IllegalArgumentException
                    || cause instanceof ClassCastException || cause instanceof UnsupportedOperationException
                    || cause instanceof NotSerializableException) {
                return PERMANENT;
            }
        }
        return TRANSIENT;
    }
}
