package io.streamgrid.demo;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How often each device sends now: the median gap between its last few readings, by the readings' own timestamps
 * (so the figure is the device's, not how the flow bunched them), and few enough of them that a new interval from a
 * command shows within three readings.
 */
final class ReadingIntervals {

    private static final int GAPS = 3;

    private final Map<String, Deque<Long>> stamps = new HashMap<>();

    /** A reading of {@code device} taken at {@code timestampMillis}; an older or repeated one changes nothing. */
    synchronized void record(String device, long timestampMillis) {
        Deque<Long> times = stamps.computeIfAbsent(device, d -> new ArrayDeque<>());
        if (timestampMillis <= 0 || (!times.isEmpty() && timestampMillis <= times.peekLast())) {
            return;
        }
        times.addLast(timestampMillis);
        while (times.size() > GAPS + 1) {
            times.removeFirst();
        }
    }

    /** The median gap of {@code device}'s latest readings in milliseconds, 0 before it has sent three. */
    synchronized double intervalMillis(String device) {
        Deque<Long> times = stamps.get(device);
        if (times == null || times.size() < 3) {
            return 0;
        }
        Long[] at = times.toArray(new Long[0]);
        long[] gaps = new long[at.length - 1];
        for (int i = 1; i < at.length; i++) {
            gaps[i - 1] = at[i] - at[i - 1];
        }
        Arrays.sort(gaps);
        return gaps.length % 2 == 1 ? gaps[gaps.length / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2.0;
    }
}
