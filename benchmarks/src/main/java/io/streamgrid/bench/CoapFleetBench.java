package io.streamgrid.bench;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import io.streamgrid.simulators.CoapFleetSimulator;
import io.streamgrid.simulators.ObservableFleet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Cases 11 and 12: CoAP fleets (issue #29).
 *
 * <p>11, server mode: {@link CoapFleetSimulator} devices (10,000 by default, each its own UDP port) POST one reading
 * every 10 s, then all at once; against the CoAP source in server mode in a real Connect worker (each device answered
 * 2.04 once Kafka has its reading) and against a raw Californium server that only counts and answers 2.04 at once,
 * with the same fleet pattern in the same run. Readings/s answered while steady and in the burst, p99 from a
 * reading's first send to its 2.04 (device -> Kafka for ours), and the heap and threads the connector added, per 1,000
 * devices.
 *
 * <p>12, client mode: {@link ObservableFleet} devices (1,000 by default, 10 resources each: 10,000 observations) in
 * one task, each resource notifying every 10 s: the heap and threads the connector added, and the notifications per
 * second that reach Kafka against those the fleet sent.
 */
final class CoapFleetBench {

    private static final String HOST = "127.0.0.1";
    private static final long PERIOD_MS = 10_000;
    private static final Duration WARMUP = Duration.ofSeconds(15);
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final int EPHEMERAL_LOW = 32768;

    private final BenchCluster cluster;
    private final int devices;
    private final int observedDevices;
    private final Duration steady;

    CoapFleetBench(BenchCluster cluster, int devices, int observedDevices, Duration steady) {
        this.cluster = cluster;
        this.devices = devices;
        this.observedDevices = observedDevices;
        this.steady = steady;
    }

    /**
     * What one side of case 11 saw: the answered readings/s and p99 while steady, the burst's rate, duration and p99,
     * the 5.03s, the heap and threads added, and every reading answered 2.04 against those the server stored.
     */
    record FleetRun(double steadyRate, double p99Ms, double burstRate, double burstSeconds, double burstP99Ms,
                    long refused, double heapMiB, int threads, long answered, long stored) {
    }

    List<Result> runServerMode() {
        FleetRun raw = raw();
        System.out.printf("  raw Californium server: %s%n", raw);
        FleetRun ours = connector();
        System.out.printf("  CoAP source, server mode: %s%n", ours);
        double perThousand = devices / 1000d;
        String note = String.format(Locale.ROOT, "(%,d devices, one reading every %d s each, then all at once; p99 "
                + "device -> 2.04 after Kafka %.0f ms steady, %.0f ms in the burst, raw %.0f and %.0f ms; burst %.1f s "
                + "ours, %.1f s raw; 5.03s %d ours; queue.size %d; load %s)", devices, PERIOD_MS / 1000, ours.p99Ms(),
                ours.burstP99Ms(), raw.p99Ms(), raw.burstP99Ms(), ours.burstSeconds(), raw.burstSeconds(),
                ours.refused(), queueSize(), load());
        List<Result> results = new ArrayList<>();
        results.add(new Result("11. CoAP server mode, fleet steady", "CoAP source", ours.steadyRate(),
                "Californium server counting", raw.steadyRate(), "readings/s", 0.8, note));
        results.add(new Result("11. CoAP server mode, burst of all devices", "CoAP source", ours.burstRate(),
                "Californium server counting", raw.burstRate(), "readings/s", 0.8, ""));
        results.add(Result.atMost("11. CoAP server mode, p99 device -> Kafka", "CoAP source", ours.p99Ms(), "ms", 0,
                ""));
        results.add(Result.atMost("11. CoAP server mode, p99 device -> Kafka in the burst", "CoAP source",
                ours.burstP99Ms(), "ms", 0, ""));
        results.add(Result.atMost("11. CoAP server mode, heap per 1,000 devices", "CoAP source",
                ours.heapMiB() / perThousand, "MiB", 0, String.format(Locale.ROOT, "(+%.1f MiB in all; measured so in "
                        + "the raw server's run: +%.1f MiB, the simulator's and Californium's own)", ours.heapMiB(),
                raw.heapMiB())));
        results.add(Result.atMost("11. CoAP server mode, threads per 1,000 devices", "CoAP source",
                ours.threads() / perThousand, "threads", 0, "(" + ours.threads() + " in all)"));
        return results;
    }

    /** A Californium server that counts each reading and answers 2.04 at once. */
    private FleetRun raw() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
        CoapServer server = new CoapServer(config);
        int port = FreePorts.udp();
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(HOST, port)).build());
        AtomicLong counted = new AtomicLong();
        server.setMessageDeliverer(new MessageDeliverer() {
            @Override
            public void deliverRequest(Exchange exchange) {
                counted.incrementAndGet();
                exchange.sendResponse(new Response(CoAP.ResponseCode.CHANGED));
            }

            @Override
            public void deliverResponse(Exchange exchange, Response response) {
            }
        });
        server.start();
        try {
            return drive(port, () -> { }, counted::get);
        } finally {
            server.destroy();
        }
    }

    private FleetRun connector() {
        String name = "coap_fleet_bench";
        int port = portBelowEphemeralRange();
        Map<String, String> config = sourceConfig();
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("connect.coap.mode", "server");
        config.put("connect.coap.server.bind.host", HOST);
        config.put("connect.coap.server.port", String.valueOf(port));
        config.put("connect.coap.server.allow.insecure", "true");
        config.put("connect.coap.queue.size", String.valueOf(queueSize()));
        config.put("connect.coap.kcql", "INSERT INTO " + name + " SELECT device_id, payload FROM telemetry/+ "
                + "PROPERTIES('device.id' = '${2}')");
        cluster.connect.kafka().createTopic(name, 1);
        try {
            return drive(port, () -> cluster.start(name, config, 1), () -> cluster.recordsIn(name));
        } finally {
            cluster.delete(name);
        }
    }

    /**
     * A free UDP port below the kernels' ephemeral ranges (Linux from 32768, the IANA range from 49152): the connector
     * binds it only after the fleet's ten thousand sockets took their ephemeral ports, one of which could be a port
     * picked free before (it happened).
     */
    private static int portBelowEphemeralRange() {
        for (int port = 27768; port < EPHEMERAL_LOW; port++) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, port))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                // taken: the next one
            }
        }
        throw new IllegalStateException("no free UDP port below " + EPHEMERAL_LOW);
    }

    /** Room for the whole fleet's burst with the steady readings still waiting: no 5.03 when it keeps up. */
    private int queueSize() {
        return Math.max(10_000, 2 * devices);
    }

    /**
     * Runs the fleet against the server on {@code port}, which {@code start} starts once the fleet is there (so
     * the heap and threads it adds are measured without the fleet's): steady for the warm-up and the measured time,
     * then quiet, then a burst of every device at once. {@code stored} counts what the server kept (Kafka's end
     * offset, the raw server's count), which must hold every reading a device had a 2.04 for.
     */
    private FleetRun drive(int port, Runnable start, LongSupplier stored) {
        try (CoapFleetSimulator fleet = new CoapFleetSimulator(HOST, new InetSocketAddress(HOST, port), "telemetry",
                devices, 30_000)) {
            long heapBefore = usedHeap();
            int threadsBefore = threads();
            start.run();
            fleet.start(PERIOD_MS);
            Sleep.millis(WARMUP.toMillis());
            fleet.resetLatencies();
            long ack0 = fleet.acknowledged();
            long t0 = System.nanoTime();
            Sleep.millis(steady.toMillis());
            long ack1 = fleet.acknowledged();
            double steadyRate = (ack1 - ack0) / ((System.nanoTime() - t0) / 1e9);
            double p99 = fleet.latencyMs(99);
            long heap = usedHeap() - heapBefore;
            int threads = threads() - threadsBefore;
            fleet.pause();
            awaitProgress("fleet quiet", () -> -fleet.waiting(), 0);
            fleet.resetLatencies();
            long before = fleet.acknowledged();
            long refusedBefore = fleet.refused();
            long burstStart = System.nanoTime();
            fleet.burst();
            awaitProgress("burst answered", fleet::acknowledged, before + devices);
            double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
            double burstP99 = fleet.latencyMs(99);
            long answered = fleet.acknowledged();
            awaitProgress("every answered reading stored", stored, answered);
            return new FleetRun(steadyRate, p99, devices / burstSeconds, burstSeconds, burstP99,
                    fleet.refused() - refusedBefore, heap / 1048576d, threads, answered, stored.getAsLong());
        }
    }

    /**
     * Waits until {@code count} reaches {@code target}; fails when it stops growing for {@link #STALL} (a burst of
     * ten thousand, or as many registrations, may take longer than a minute in all on a loaded machine, but never
     * stands still that long).
     */
    private static void awaitProgress(String what, LongSupplier count, long target) {
        long last = count.getAsLong();
        long lastChange = System.nanoTime();
        while (last < target) {
            Sleep.millis(50);
            long now = count.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                throw new IllegalStateException(what + ": stalled at " + now + " of " + target + " for "
                        + STALL.toSeconds() + " s");
            }
        }
    }

    /** What one side of case 12 saw. */
    record ObserveRun(double firstSeconds, double offered, double delivered, double heapMiB, int threads) {
    }

    List<Result> runClientMode() {
        ObserveRun run = observe();
        System.out.printf("  CoAP source, client mode: %s%n", run);
        int resources = observedDevices * 10;
        double perThousand = resources / 1000d;
        String note = String.format(Locale.ROOT, "(%,d observed resources on %,d devices in one task, each notifying "
                + "every %d s; all registered in %.1f s; heap +%.1f MiB in all; load %s)", resources, observedDevices,
                PERIOD_MS / 1000, run.firstSeconds(), run.heapMiB(), load());
        List<Result> results = new ArrayList<>();
        String observations = String.format(Locale.ROOT, "%,d observations", resources);
        results.add(new Result("12. CoAP client mode, " + observations + " in one task", "into Kafka",
                run.delivered(), "notified by the fleet", run.offered(), "notifications/s", 0.8, note));
        results.add(Result.atMost("12. CoAP client mode, heap per 1,000 observations", "CoAP source",
                run.heapMiB() / perThousand, "MiB", 0, "(with the simulator's own record of its observers)"));
        results.add(Result.atMost("12. CoAP client mode, threads for " + observations, "CoAP source",
                run.threads(), "threads", 0, "(every thread the connector added to the worker)"));
        return results;
    }

    private ObserveRun observe() {
        String name = "coap_observe_bench";
        try (ObservableFleet fleet = new ObservableFleet(HOST, observedDevices, 10)) {
            Map<String, String> config = sourceConfig();
            config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("key.converter.schemas.enable", "false");
            config.put("connect.coap.uri", String.join(",", fleet.uris(HOST)));
            config.put("connect.coap.queue.size", "20000");
            config.put("connect.coap.kcql", IntStream.range(0, 10).mapToObj(r -> "INSERT INTO " + name
                    + " SELECT uri_port, uri_path, payload FROM sensors/r" + r).collect(Collectors.joining("; ")));
            cluster.connect.kafka().createTopic(name, 1);
            long heapBefore = usedHeap();
            int threadsBefore = threads();
            long start = System.nanoTime();
            cluster.start(name, config, 1);
            int resources = observedDevices * 10;
            awaitProgress("every observation's first notification", () -> cluster.recordsIn(name), resources);
            double firstSeconds = (System.nanoTime() - start) / 1e9;
            fleet.start(PERIOD_MS);
            Sleep.millis(WARMUP.toMillis());
            long in0 = cluster.recordsIn(name);
            long sent0 = fleet.notifications();
            long t0 = System.nanoTime();
            Sleep.millis(steady.toMillis());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double delivered = (cluster.recordsIn(name) - in0) / seconds;
            double offered = (fleet.notifications() - sent0) / seconds;
            long heap = usedHeap() - heapBefore;
            int threads = threads() - threadsBefore;
            cluster.delete(name);
            return new ObserveRun(firstSeconds, offered, delivered, heap / 1048576d, threads);
        }
    }

    /** A CoAP source of one task writing schemaless JSON values, with the producer settings of case 3. */
    private static Map<String, String> sourceConfig() {
        Map<String, String> config = new HashMap<>(MqttSourceBench.PRODUCER_TUNING);
        config.put("connector.class", "io.streamgrid.coap.CoapSourceConnector");
        config.put("tasks.max", "1");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        return config;
    }

    /** The heap in use after a collection, so what stays is counted and garbage is not. */
    @SuppressFBWarnings(value = "DM_GC", justification = "a benchmark: the heap a connector keeps is measured after "
            + "collecting the garbage")
    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
