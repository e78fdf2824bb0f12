package io.streamgrid.coap;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Lets a repeated warning through at most once per interval per subject, so a dead device cannot flood the log. */
public final class RateLimitedLog {

    private final long intervalNanos;
    private final ConcurrentHashMap<String, AtomicLong> last = new ConcurrentHashMap<>();

    public RateLimitedLog(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    public boolean allow(String subject) {
        long now = System.nanoTime();
        AtomicLong previous = last.computeIfAbsent(subject, s -> new AtomicLong(now - intervalNanos));
        long before = previous.get();
        return now - before >= intervalNanos && previous.compareAndSet(before, now);
    }
}
