package io.streamgrid.coap.sink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.util.StringUtil;

/**
 * The addresses of the devices' host names, looked up on threads of its own: a lookup may take seconds, and the
 * task's, Californium's and the timer's threads must not wait for one. An IP address is taken as it is, without a
 * lookup. What a lookup found is remembered for {@link #TTL} (a name that did not resolve for
 * {@link #NEGATIVE_TTL}), for at most {@link #MAX_NAMES} names, the least recently used forgotten first; one name is
 * looked up once at a time, however many requests wait for it.
 */
final class HostResolver implements AutoCloseable {

    /** How long a name's address is remembered: as long as the JVM's own cache keeps it by default. */
    static final Duration TTL = Duration.ofSeconds(30);
    /** How long a name that did not resolve is remembered. */
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);
    static final int MAX_NAMES = 10_000;
    private static final int THREADS = 2;

    /** How a host name is looked up: {@link InetAddress#getByName}, or a stand-in in tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress lookUp(String host) throws UnknownHostException;
    }

    /** What a lookup found, until when. */
    private record Found(CompletableFuture<InetAddress> address, long untilNanos) {
    }

    private final Lookup lookup;
    private final ThreadPoolExecutor executor;
    private final Object lock = new Object();
    private final Map<String, Found> found = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Found> eldest) {
            return size() > MAX_NAMES;
        }
    };
    private final Map<String, CompletableFuture<InetAddress>> lookingUp = new HashMap<>();

    /**
     * @param maxWaiting how many names may wait for a thread at most (the requests out bound it: each waits for one);
     *                   a name past that fails to resolve, and its request is tried again
     */
    HostResolver(Lookup lookup, ThreadFactory threads, int maxWaiting) {
        this.lookup = lookup;
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, maxWaiting)), threads);
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** The address of {@code host}, a URI's host (an IPv6 address in brackets); completes on a lookup thread. */
    CompletableFuture<InetAddress> resolve(String host) {
        if (StringUtil.isLiteralIpAddress(host)) {
            try {
                return CompletableFuture.completedFuture(InetAddress.getByName(host)); // an address: no lookup
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        String name = host.toLowerCase(Locale.ROOT);
        CompletableFuture<InetAddress> address;
        synchronized (lock) {
            Found known = found.get(name);
            if (known != null && known.untilNanos() - System.nanoTime() > 0) {
                return known.address();
            }
            address = lookingUp.get(name);
            if (address != null) {
                return address;
            }
            address = new CompletableFuture<>();
            lookingUp.put(name, address);
        }
        CompletableFuture<InetAddress> result = address;
        try {
            executor.execute(() -> lookUp(name, result));
        } catch (RejectedExecutionException e) {
            done(name, null, new UnknownHostException("too many host names to look up at once; tried again later"),
                    result, false);
        }
        return result;
    }

    private void lookUp(String name, CompletableFuture<InetAddress> result) {
        try {
            done(name, lookup.lookUp(name), null, result, true);
        } catch (UnknownHostException e) {
            done(name, null, e, result, true);
        } catch (RuntimeException e) {
            UnknownHostException failure = new UnknownHostException(e.toString());
            failure.initCause(e);
            done(name, null, failure, result, false);
        }
    }

    /** Remembers what the lookup found (when {@code remember}), then completes the requests that waited for it. */
    private void done(String name, InetAddress address, UnknownHostException failure,
                      CompletableFuture<InetAddress> result, boolean remember) {
        CompletableFuture<InetAddress> outcome = failure == null ? CompletableFuture.completedFuture(address)
                : CompletableFuture.failedFuture(failure);
        synchronized (lock) {
            lookingUp.remove(name, result);
            if (remember) {
                found.put(name, new Found(outcome, System.nanoTime()
                        + (failure == null ? TTL : NEGATIVE_TTL).toNanos()));
            }
        }
        if (failure == null) {
            result.complete(address);
        } else {
            result.completeExceptionally(failure);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
