package io.streamgrid.demo;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Latencies of single readings (device timestamp to arrival in Hazelcast) over a sliding window, so the views show
 * percentiles of every reading of the last minute rather than one sample. Bounded in count as well as time.
 */
final class LatencyWindow {

    /** The window's percentiles; {@code samples} 0 when nothing arrived in the window. */
    record Percentiles(int samples, double p50, double p99, double max) {
    }

    private final long windowMillis;
    private final int maxSamples;
    private final Deque<long[]> samples = new ArrayDeque<>(); // {arrival millis, latency millis}

    LatencyWindow(long windowMillis, int maxSamples) {
        this.windowMillis = windowMillis;
        this.maxSamples = maxSamples;
    }

    synchronized void record(long arrivalMillis, long latencyMillis) {
        samples.addLast(new long[] {arrivalMillis, Math.max(0, latencyMillis)});
        while (samples.size() > maxSamples) {
            samples.removeFirst();
        }
    }

    /** Percentiles of the readings that arrived in the window ending at {@code nowMillis} (nearest rank). */
    synchronized Percentiles percentiles(long nowMillis) {
        while (!samples.isEmpty() && samples.peekFirst()[0] < nowMillis - windowMillis) {
            samples.removeFirst();
        }
        long[] latencies = samples.stream().mapToLong(sample -> sample[1]).sorted().toArray();
        if (latencies.length == 0) {
            return new Percentiles(0, 0, 0, 0);
        }
        return new Percentiles(latencies.length, rank(latencies, 0.50), rank(latencies, 0.99),
                Arrays.stream(latencies).max().orElse(0));
    }

    private static double rank(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
