package io.streamgrid.hazelcast.writer;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Entries of a batch the writer did not write because they are bad data, each with its reason (a Compact value a
 * column of the map's SQL mapping cannot hold, say); it wrote every other entry. The task reports those entries as
 * bad records (dead-letter queue or the error policy) without writing them again, so one bad value costs nothing to
 * the rest of its batch. Its cause is the first entry's reason, so the failure reads as what no retry mends.
 */
public final class BadEntriesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** By the entry's place in the batch; the reasons are not sent anywhere, so they need not be serializable. */
    private final transient SortedMap<Integer, RuntimeException> reasons;

    /** @param reasons why each bad entry was not written, by its place in the batch; not empty */
    public BadEntriesException(Map<Integer, RuntimeException> reasons) {
        this(new TreeMap<>(reasons));
    }

    private BadEntriesException(TreeMap<Integer, RuntimeException> reasons) {
        super(reasons.size() + " entries of the batch are bad data and were not written (the others were); the "
                + "first: " + reasons.firstEntry().getValue().getMessage(), reasons.firstEntry().getValue());
        this.reasons = Collections.unmodifiableSortedMap(reasons);
    }

    /** Why the entry at this place in the batch was not written; null when it was. */
    public RuntimeException reason(int place) {
        return reasons == null ? null : reasons.get(place);
    }
}
