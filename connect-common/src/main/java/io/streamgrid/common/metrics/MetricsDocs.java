package io.streamgrid.common.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The metrics reference, docs/metrics.md, generated from {@link StreamGridMetric} so it cannot drift. */
public final class MetricsDocs {

    private MetricsDocs() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder("""
                # Metrics reference

                Generated from `StreamGridMetric`; do not edit by hand (regenerate with
                `mvn -q install -DskipTests && mvn -q -pl connect-common exec:java`).

                Every task of every StreamGrid connector (CoAP source, MQTT source, Hazelcast sink, Hazelcast source,
                MQTT sink, CoAP sink) registers the same metrics, on every supported Kafka Connect worker, under one MBean
                per task:

                    kafka.connect:type=plugins,connector=<connector name>,task=<task id>

                | worker | how they are registered |
                |---|---|
                | Kafka Connect 4.1 and newer | as the worker's plugin metrics (KIP-877): on JMX and in every reporter of the worker's `metric.reporters` |
                | Kafka Connect 3.7 to 4.0 | by the task itself, on JMX only, under the same MBean name; the worker's INFO log says so once per plugin |

                A metric that does not apply to a connector is registered all the same and stays 0, so one dashboard
                fits them all. Kinds: *total* counts since the task started; *rate* is per second; *avg* and *max*
                cover the worker's metrics window (`metrics.sample.window.ms` x `metrics.num.samples`, by default
                2 x 30 s) and are NaN when nothing happened in it; *gauge* is the value now.

                | metric | kind | what it counts | a healthy value |
                |---|---|---|---|
                """);
        for (StreamGridMetric metric : StreamGridMetric.values()) {
            out.append("| `").append(metric.metricName()).append("` | ").append(kind(metric)).append(" | ")
                    .append(metric.description()).append(" | ").append(metric.healthy()).append(" |\n");
        }
        return out.toString();
    }

    private static String kind(StreamGridMetric metric) {
        String name = metric.metricName();
        if (name.endsWith("-total")) {
            return "total";
        }
        if (name.endsWith("-rate")) {
            return "rate";
        }
        if (name.endsWith("-avg")) {
            return "avg";
        }
        return name.endsWith("-max") ? "max" : "gauge";
    }

    /** Writes the reference to {@code args[0]} (docs/metrics.md), or prints it. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.out.print(markdown());
        } else {
            Files.writeString(Path.of(args[0]), markdown());
        }
    }
}
