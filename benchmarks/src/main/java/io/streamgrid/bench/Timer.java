package io.streamgrid.bench;

/** Rate of a piece of work that handles a known number of items. */
final class Timer {

    private Timer() {
    }

    interface Work {
        void run() throws Exception;
    }

    /** Items per second that {@code work} achieved on {@code items} items. */
    static double rate(long items, Work work) {
        long start = System.nanoTime();
        try {
            work.run();
        } catch (Exception e) {
            throw new IllegalStateException("benchmark work failed: " + e, e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return items / seconds;
    }
}
