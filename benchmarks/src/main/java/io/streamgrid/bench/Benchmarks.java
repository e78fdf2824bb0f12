package io.streamgrid.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark harness: runs the chosen cases and prints, for each, our figure, the baseline measured in the same
 * run and their ratio, as a markdown table to paste into docs/benchmarks.md. Only ratios from one run count.
 *
 * <p>Cases (all when none is named): {@code sink} (1), {@code state} (1, device state: merge and version guard
 * against the plain IMAP sink), {@code e2e} (2), {@code jet} (2b: our sink vs a Jet job in the member, on
 * {@code --e2e-records} records keyed by device), {@code mqtt} (3), {@code coap} (4),
 * {@code latency} (5), {@code memory} (6), {@code mqtt-sink} (7), {@code coap-sink} (8), {@code hazelcast-source}
 * (9), {@code command-loop} (10). Options: {@code --records N} (case 1, default 500000), {@code --rounds N}
 * (cases 1-3, default 3; each figure is the best of its rounds), {@code --structures RING_BUFFER,IMAP,...} (cases 1
 * and 2), {@code --e2e-records N} (default 1000000), {@code --mqtt-messages N} (default 200000),
 * {@code --coap-seconds N} (default 600), {@code --coap-raw-seconds N} (default 60) and {@code --coap-rate N}
 * (the device's notifications per second, default 2000), {@code --latency-seconds N}
 * (default 30), {@code --latency-rate N,N,...} (readings per second, default 10,100,1000) and
 * {@code --latency-tuned-rate N} (the rate measured again with producer.override.linger.ms=0, default 10; 0 = not),
 * {@code --memory-messages N} (default 100000, of 1 KiB) and {@code --memory-large-messages N} (default 200, of 1 MiB;
 * 0 = not), {@code --mqtt-sink-records N} (case 7, default 200000), {@code --coap-sink-requests N} (case 8, default
 * 100000), {@code --source-items N} (case 9, default 1000000; its latency part runs {@code --latency-seconds} at
 * {@code --latency-tuned-rate}, 10/s by default), {@code command-loop} (10: a command's round trip, Hazelcast to
 * an MQTT 5 or CoAP device and back, {@code --loop-rate N} commands/s, default 10, for {@code --loop-seconds N},
 * default 30, after a 5 s warm-up), {@code coap-server} (11: the CoAP source in server mode under
 * {@code --coap-devices N} simulated devices, default 10000, one reading every 10 s each and then all at once, against
 * a Californium server that only counts), {@code coap-observe} (12: the CoAP source observing {@code --coap-observed-devices
 * N} devices, default 1000, with 10 resources each, in one task); both measure for {@code --coap-fleet-seconds N},
 * default 60, after a 15 s warm-up.
 */
public final class Benchmarks {

    private static final List<String> CASES = List.of("sink", "state", "e2e", "jet", "mqtt", "coap", "latency",
            "memory", "mqtt-sink", "coap-sink", "hazelcast-source", "command-loop", "coap-server", "coap-observe");

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        int records = 500_000;
        int rounds = 3;
        int e2eRecords = 1_000_000;
        int mqttMessages = 200_000;
        int coapSeconds = 600;
        int coapRawSeconds = 60;
        int coapRate = 2_000;
        int latencySeconds = 30;
        List<Integer> latencyRates = List.of(10, 100, 1000);
        int latencyTunedRate = 10;
        int memoryMessages = 100_000;
        int memoryLargeMessages = 200;
        int mqttSinkRecords = 200_000;
        int coapSinkRequests = 100_000;
        int sourceItems = 1_000_000;
        int loopRate = 10;
        int loopSeconds = 30;
        int coapDevices = 10_000;
        int coapObservedDevices = 1_000;
        int coapFleetSeconds = 60;
        Set<String> structures = new LinkedHashSet<>();
        Set<String> cases = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--structures" -> structures.addAll(List.of(args[++i].toUpperCase(Locale.ROOT).split(",")));
                case "--e2e-records" -> e2eRecords = Integer.parseInt(args[++i]);
                case "--mqtt-messages" -> mqttMessages = Integer.parseInt(args[++i]);
                case "--coap-seconds" -> coapSeconds = Integer.parseInt(args[++i]);
                case "--coap-raw-seconds" -> coapRawSeconds = Integer.parseInt(args[++i]);
                case "--coap-rate" -> coapRate = Integer.parseInt(args[++i]);
                case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[++i]);
                case "--latency-rate" -> latencyRates = java.util.Arrays.stream(args[++i].split(","))
                        .map(Integer::parseInt).toList();
                case "--latency-tuned-rate" -> latencyTunedRate = Integer.parseInt(args[++i]);
                case "--memory-messages" -> memoryMessages = Integer.parseInt(args[++i]);
                case "--memory-large-messages" -> memoryLargeMessages = Integer.parseInt(args[++i]);
                case "--mqtt-sink-records" -> mqttSinkRecords = Integer.parseInt(args[++i]);
                case "--coap-sink-requests" -> coapSinkRequests = Integer.parseInt(args[++i]);
                case "--coap-devices" -> coapDevices = Integer.parseInt(args[++i]);
                case "--coap-observed-devices" -> coapObservedDevices = Integer.parseInt(args[++i]);
                case "--coap-fleet-seconds" -> coapFleetSeconds = Integer.parseInt(args[++i]);
                case "--source-items" -> sourceItems = Integer.parseInt(args[++i]);
                case "--loop-rate" -> loopRate = Integer.parseInt(args[++i]);
                case "--loop-seconds" -> loopSeconds = Integer.parseInt(args[++i]);
                default -> {
                    if (!CASES.contains(args[i])) {
                        System.err.println("Unknown argument '" + args[i] + "'. Cases: " + String.join(", ", CASES)
                                + ". Options: see the javadoc of io.streamgrid.bench.Benchmarks or docs/benchmarks.md.");
                        System.exit(2);
                    }
                    cases.add(args[i]);
                }
            }
        }
        if (cases.isEmpty()) {
            cases.addAll(CASES);
        }
        System.out.println(Machine.describe());
        List<Result> results = new ArrayList<>();
        boolean needsBroker = cases.contains("mqtt") || cases.contains("latency") || cases.contains("memory")
                || cases.contains("mqtt-sink") || cases.contains("command-loop");
        try (Mosquitto broker = needsBroker ? new Mosquitto(1000) : null) {
            if (cases.contains("memory")) { // first: the heap is measured best before anything else ran
                System.out.println("Memory: MQTT source with nobody polling, " + memoryMessages + " messages of 1 KiB, "
                        + memoryLargeMessages + " of 1 MiB");
                results.addAll(new MqttMemoryBench(broker, memoryMessages, memoryLargeMessages).run());
            }
            if (cases.contains("mqtt-sink")) {
                System.out.println("MQTT sink: " + mqttSinkRecords + " records at QoS 1");
                results.addAll(new MqttSinkBench(broker, mqttSinkRecords, rounds).run());
            }
            if (cases.contains("coap-sink")) {
                System.out.println("CoAP sink: " + coapSinkRequests + " confirmable PUTs to 1,000 devices");
                results.addAll(new CoapSinkBench(coapSinkRequests, rounds).run());
            }
            if (cases.contains("sink")) {
                results.addAll(new HazelcastSinkBench(records, rounds, structures).run());
            }
            if (cases.contains("state")) {
                results.addAll(new HazelcastSinkBench(records, rounds, structures).runDeviceState());
            }
            if (cases.contains("e2e") || cases.contains("jet") || cases.contains("mqtt") || cases.contains("coap")
                    || cases.contains("latency") || cases.contains("hazelcast-source")
                    || cases.contains("command-loop") || cases.contains("coap-server")
                    || cases.contains("coap-observe")) {
                try (BenchCluster cluster = new BenchCluster(Math.max(Math.max(e2eRecords, sourceItems), 1000))) {
                    if (cases.contains("hazelcast-source")) {
                        System.out.println("Hazelcast source: a ringbuffer of " + sourceItems + " JSON items into Kafka; "
                                + "a reliable topic at " + latencyTunedRate + "/s for " + latencySeconds + " s");
                        results.addAll(new HazelcastSourceBench(cluster, sourceItems, rounds,
                                Math.max(1, latencyTunedRate), Duration.ofSeconds(latencySeconds)).run());
                    }
                    if (cases.contains("command-loop")) {
                        System.out.println("Command loop: Hazelcast -> MQTT 5 / CoAP device -> Hazelcast at " + loopRate
                                + "/s for " + loopSeconds + " s each");
                        results.addAll(new CommandLoopBench(cluster, broker, loopRate, Duration.ofSeconds(loopSeconds))
                                .run());
                    }
                    if (cases.contains("e2e")) {
                        results.addAll(new SinkEndToEndBench(cluster, e2eRecords, rounds, structures).run());
                    }
                    if (cases.contains("jet")) {
                        results.addAll(new JetComparisonBench(cluster, e2eRecords, rounds).run());
                    }
                    if (cases.contains("mqtt")) {
                        System.out.println("MQTT source: draining a backlog of " + mqttMessages + " messages");
                        results.addAll(new MqttSourceBench(cluster, broker, mqttMessages, rounds).run());
                    }
                    if (cases.contains("latency")) {
                        results.addAll(LatencyBench.runAll(cluster, broker, latencyRates,
                                Duration.ofSeconds(latencySeconds), latencyTunedRate,
                                java.util.Map.of("producer.override.linger.ms", "0")));
                    }
                    if (cases.contains("coap-server") || cases.contains("coap-observe")) {
                        CoapFleetBench fleet = new CoapFleetBench(cluster, coapDevices, coapObservedDevices,
                                Duration.ofSeconds(coapFleetSeconds));
                        if (cases.contains("coap-server")) {
                            System.out.println("CoAP server mode: " + coapDevices + " devices, a reading every 10 s "
                                    + "each, then all at once");
                            results.addAll(fleet.runServerMode());
                        }
                        if (cases.contains("coap-observe")) {
                            System.out.println("CoAP client mode: " + coapObservedDevices * 10 + " observed resources "
                                    + "on " + coapObservedDevices + " devices in one task");
                            results.addAll(fleet.runClientMode());
                        }
                    }
                    if (cases.contains("coap")) {
                        System.out.println("CoAP source: observe a device at " + coapRate + "/s for " + coapSeconds
                                + " s (raw observer " + coapRawSeconds + " s)");
                        results.addAll(new CoapSourceBench(cluster, coapRate, Duration.ofSeconds(coapSeconds),
                                Duration.ofSeconds(coapRawSeconds)).run());
                    }
                }
            }
        }
        System.out.println();
        System.out.println(Machine.describe());
        System.out.println(Result.markdownHeader());
        results.forEach(result -> System.out.println(result.markdownRow()));
        System.exit(0);
    }
}
