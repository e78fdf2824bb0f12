package io.streamgrid.it;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each reading first arrived in Hazelcast, seen by an entry listener on the map a sink keys by reading id
 * ({@link DeviceFleet}'s ids): the delivered rate over time and the gaps each device saw. Times are nanoseconds from
 * the timeline's creation. An entry event is not guaranteed (one in flight on a member that dies is lost), so what
 * was lost is counted from the map itself, never from here; a lost event can only make a gap look longer.
 */
final class DeliveryTimeline implements EntryAddedListener<Object, Object> {

    private static final long BUCKET = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final long origin = System.nanoTime();
    /** Arrivals per 100 ms, for four hours. */
    private final AtomicLongArray buckets = new AtomicLongArray(4 * 36_000);
    private final Object[] locks;
    /** Per device, its arrivals so far (the first counts[d] of the array, which grows); read and written under locks[d]. */
    private final long[][] arrivals;
    private final int[] counts;

    DeliveryTimeline(int devices) {
        locks = new Object[devices];
        arrivals = new long[devices][];
        counts = new int[devices];
        for (int d = 0; d < devices; d++) {
            locks[d] = new Object();
            arrivals[d] = new long[64];
        }
    }

    @Override
    public void entryAdded(EntryEvent<Object, Object> event) {
        long at = now();
        buckets.incrementAndGet((int) Math.min(at / BUCKET, buckets.length() - 1));
        int device = (int) (((Number) event.getKey()).longValue() / DeviceFleet.PER_DEVICE);
        synchronized (locks[device]) {
            if (counts[device] == arrivals[device].length) {
                arrivals[device] = Arrays.copyOf(arrivals[device], 2 * counts[device]);
            }
            arrivals[device][counts[device]++] = at;
        }
    }

    /** Now, on the timeline. */
    long now() {
        return System.nanoTime() - origin;
    }

    /** Readings delivered per second between two moments. */
    double rate(long from, long to) {
        long count = 0;
        for (long b = Math.max(0, from / BUCKET); b < to / BUCKET && b < buckets.length(); b++) {
            count += buckets.get((int) b);
        }
        return count / ((double) (to - from) / SECOND);
    }

    /** Readings delivered in each second from {@code from} to {@code to}, for the log: what a recovery looked like. */
    String perSecond(long from, long to) {
        StringBuilder seconds = new StringBuilder();
        for (long second = from; second + SECOND <= to; second += SECOND) {
            seconds.append(seconds.length() == 0 ? "" : " ").append(Math.round(rate(second, second + SECOND)));
        }
        return seconds.toString();
    }

    /**
     * The start of the first second after {@code event} that delivered less than {@code share} of {@code rate}; -1
     * when none did.
     */
    long firstSlower(long event, long until, double rate, double share) {
        for (long second = event; second + SECOND <= until; second += SECOND) {
            if (rate(second, second + SECOND) < share * rate) {
                return second;
            }
        }
        return -1;
    }

    /**
     * When delivery was back for good after {@code event}: the end of the last second between {@code event} and
     * {@code until} that delivered less than {@code share} of {@code rate}, or the event itself when none did.
     */
    long recoveredAt(long event, long until, double rate, double share) {
        long recovered = event;
        for (long second = event; second + SECOND <= until; second += SECOND) {
            if (rate(second, second + SECOND) < share * rate) {
                recovered = second + SECOND;
            }
        }
        return recovered;
    }

    /**
     * Each device's longest time without a new reading arriving between two moments: the largest distance between
     * two arrivals in between, counting from its last arrival before {@code from} and up to {@code to}.
     */
    long[] longestGaps(long from, long to) {
        long[] longest = new long[arrivals.length];
        for (int d = 0; d < arrivals.length; d++) {
            long[] times;
            synchronized (locks[d]) {
                times = Arrays.copyOf(arrivals[d], counts[d]);
            }
            Arrays.sort(times); // events of different members may come in a little out of order
            long previous = from;
            for (long time : times) {
                if (time <= from) {
                    previous = time;
                } else if (time <= to) {
                    longest[d] = Math.max(longest[d], time - previous);
                    previous = time;
                }
            }
            longest[d] = Math.max(longest[d], to - previous);
        }
        return longest;
    }
}
