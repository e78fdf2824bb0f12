package io.streamgrid.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Case 4: observe notifications per second that reach Kafka through the CoAP source in a real Connect worker, held
 * for a long run sampled every 100 ms so a stall shows, against a raw Californium observer counting in its handler.
 * Each side gets a fresh device sending NON notifications at the same high rate.
 */
final class CoapSourceBench {

    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final boolean TRACE = Boolean.getBoolean("bench.trace");

    private final BenchCluster cluster;
    private final int rate;
    private final Duration duration;
    private final Duration rawDuration;

    CoapSourceBench(BenchCluster cluster, int rate, Duration duration, Duration rawDuration) {
        this.cluster = cluster;
        this.rate = rate;
        this.duration = duration;
        this.rawDuration = rawDuration;
    }

    /** What a sustained run saw: the rate over the whole run, its slowest 10 seconds and its longest silence. */
    record Sustained(double rate, double slowest10s, double longestGapSeconds, long devicesSent, long received) {
    }

    List<Result> run() {
        Sustained raw = rawObserver();
        System.out.printf("  CoAP raw observer: %s%n", raw);
        Sustained ours = sourceConnector();
        System.out.printf("  CoAP source: %s%n", ours);
        String note = String.format(Locale.ROOT, "(device at %,d/s; ours %d s, slowest 10 s %,.0f/s, longest gap"
                + " %.1f s; raw %d s, longest gap %.1f s)", rate, duration.toSeconds(), ours.slowest10s(),
                ours.longestGapSeconds(), rawDuration.toSeconds(), raw.longestGapSeconds());
        List<Result> results = new ArrayList<>();
        results.add(new Result("4. CoAP observe into Kafka vs raw Californium observer", "CoAP source", ours.rate(),
                "CoapClient.observe", raw.rate(), "notifications/s", 0.8, note));
        return results;
    }

    private Sustained rawObserver() {
        AtomicLong received = new AtomicLong();
        try (BenchCoapServer device = new BenchCoapServer(rate, CoapSourceBench::reading)) {
            CoapClient client = new CoapClient(device.uri() + "/bench");
            // the CoAP source's default lifetimes (connect.coap.exchange.lifetime, connect.coap.non.lifetime)
            Configuration config = Configuration.createStandardWithoutFile();
            config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
            config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
            client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(config).build());
            CoapObserveRelation relation = client.observe(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse response) {
                    received.incrementAndGet();
                }

                @Override
                public void onError() {
                }
            });
            try {
                return sample("raw observer", received::get, device, rawDuration);
            } finally {
                relation.proactiveCancel();
                client.getEndpoint().destroy();
                client.shutdown();
            }
        }
    }

    private Sustained sourceConnector() {
        String name = "coap_bench";
        try (BenchCoapServer device = new BenchCoapServer(rate, CoapSourceBench::reading)) {
            Map<String, String> config = new HashMap<>();
            config.put("connector.class", "io.streamgrid.coap.CoapSourceConnector");
            config.put("tasks.max", "1");
            config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("key.converter.schemas.enable", "false");
            config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("value.converter.schemas.enable", "false");
            config.put("connect.coap.uri", device.uri());
            config.put("connect.coap.kcql", "INSERT INTO " + name + " SELECT * FROM bench");
            config.putAll(MqttSourceBench.PRODUCER_TUNING);
            cluster.connect.kafka().createTopic(name, 1);
            cluster.start(name, config, 1);
            try {
                Progress.await(name + " first notification", () -> cluster.recordsIn(name), 1);
                return sample("CoAP source", () -> cluster.recordsIn(name), device, duration);
            } finally {
                cluster.delete(name);
            }
        }
    }

    /** Samples the count every 100 ms after a warm-up, for the whole duration. */
    private static Sustained sample(String what, LongSupplier count, BenchCoapServer device, Duration length) {
        Sleep.millis(WARMUP.toMillis());
        System.out.printf("  %s: measuring for %d s%n", what, length.toSeconds());
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long first = count.getAsLong();
        long sentFirst = device.sent();
        List<long[]> samples = new ArrayList<>(); // {nanos, count}
        samples.add(new long[] {start, first});
        long lastChange = start;
        long longestGap = 0;
        long last = first;
        while (System.nanoTime() < end) {
            Sleep.millis(100);
            long now = System.nanoTime();
            long value = count.getAsLong();
            samples.add(new long[] {now, value});
            if (TRACE && samples.size() % 10 == 0) {
                System.out.printf("    %s t=%.1fs count=%d sent=%d%n", what, (now - start) / 1e9, value - first,
                        device.sent() - sentFirst);
            }
            if (value != last) {
                longestGap = Math.max(longestGap, now - lastChange);
                lastChange = now;
                last = value;
            }
        }
        long stop = System.nanoTime();
        longestGap = Math.max(longestGap, stop - lastChange);
        double slowest = Double.MAX_VALUE;
        for (int i = 0, j = 0; i < samples.size(); i++) {
            while (j < samples.size() && samples.get(j)[0] - samples.get(i)[0] < 10_000_000_000L) {
                j++;
            }
            if (j == samples.size()) {
                break;
            }
            long[] a = samples.get(i);
            long[] b = samples.get(j);
            slowest = Math.min(slowest, (b[1] - a[1]) / ((b[0] - a[0]) / 1e9));
        }
        long received = last - first;
        return new Sustained(received / ((stop - start) / 1e9), slowest == Double.MAX_VALUE ? 0 : slowest,
                longestGap / 1e9, device.sent() - sentFirst, received);
    }

    private static String reading(long n) {
        return Payloads.json100((int) (n % 1_000_000_000L), 1000);
    }
}
