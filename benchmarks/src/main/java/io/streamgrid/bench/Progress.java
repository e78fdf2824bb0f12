package io.streamgrid.bench;

import java.util.function.LongSupplier;

/**
 * The rate at which a count grows towards a target, sampled from the outside (records in a topic, entries in a
 * structure): from the first sample above the starting count to the one that reaches the target, so start-up time
 * (a task joining its group, a client connecting) is not counted on either side of a comparison.
 */
final class Progress {

    private static final long STALL_NANOS = 60_000_000_000L;
    /** Often enough for runs of seconds, rarely enough not to load the member (an IMap size asks every partition). */
    private static final long SAMPLE_MILLIS = 50;

    private Progress() {
    }

    /** Items per second; fails when the count stops growing for a minute before reaching the target. */
    static double rate(String what, LongSupplier count, long start, long target) {
        long lastChange = System.nanoTime();
        long last = start;
        long firstNanos = 0;
        long firstCount = 0;
        while (true) {
            long now = count.getAsLong();
            long time = System.nanoTime();
            if (now != last) {
                if (firstNanos == 0) {
                    firstNanos = time;
                    firstCount = now;
                }
                last = now;
                lastChange = time;
            }
            if (now >= target) {
                if (time == firstNanos) {
                    throw new IllegalStateException(what + ": everything arrived between two samples; use more records");
                }
                return (now - firstCount) / ((time - firstNanos) / 1e9);
            }
            if (time - lastChange > STALL_NANOS) {
                throw new IllegalStateException(what + ": stalled at " + now + " of " + target);
            }
            Sleep.millis(SAMPLE_MILLIS);
        }
    }

    /** Waits until the count reaches the target; fails after a minute. */
    static void await(String what, LongSupplier count, long target) {
        long deadline = System.nanoTime() + STALL_NANOS;
        while (count.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + count.getAsLong() + " of " + target + " after a minute");
            }
            Sleep.millis(20);
        }
    }
}
