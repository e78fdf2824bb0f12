package io.streamgrid.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal's view of a snapshot: a few lines a person can take in at a glance. */
final class TerminalView {

    private TerminalView() {
    }

    static String render(Snapshot s, String dashboardUrl) {
        StringBuilder view = new StringBuilder();
        view.append("StreamGrid demo   (Ctrl-C stops everything)\n");
        view.append("  dashboard:    ").append(dashboardUrl).append('\n');
        view.append("  Connect REST: ").append(s.connectRest()).append("\n\n");
        view.append("devices: ").append(s.devicesRunning()).append('\n');
        view.append(String.format(Locale.ROOT, "published: %d CoAP notifications, %d MQTT messages%n%n",
                s.coapPublished(), s.mqttPublished()));
        view.append("in Hazelcast                     total   records/s\n");
        for (Snapshot.Structure structure : s.structures()) {
            view.append(String.format(Locale.ROOT, "  %-14s %-15s %7d %9.1f%n", structure.name(), structure.kind(),
                    structure.total(), structure.perSecond()));
        }
        view.append('\n').append(latency("MQTT device -> Hazelcast", s.mqttLatency()));
        view.append(latency("CoAP sensor -> Hazelcast", s.coapLatency()));
        view.append("Avro schemas in Apicurio Registry: ").append(String.join(", ", s.schemas())).append('\n');
        view.append("\nrecent CoAP readings taken from queue dev:\n");
        s.recentCoapReadings().stream().limit(3).forEach(r -> view.append("  ").append(r).append('\n'));
        view.append("\nrecent alerts (reliable topic alerts):\n");
        s.alerts().stream().limit(3).forEach(a -> view.append("  ").append(fields(a)).append('\n'));
        view.append("\nlatest state per device (map device_state: merged Compact records, version = ts), by SQL:\n")
                .append("  sql> ").append(s.sql().query()).append('\n');
        if (s.sql().error() != null) {
            view.append("  (no mapping yet: ").append(s.sql().error()).append(")\n");
        }
        List<String> columns = s.sql().columns();
        for (List<String> row : s.sql().rows()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-10s", row.get(0)));
            for (int i = 1; i < row.size(); i++) {
                line.append(' ').append(columns.get(i)).append(' ').append(row.get(i)).append(' ');
            }
            view.append(line.toString().stripTrailing()).append('\n');
        }
        return view.toString();
    }

    private static String latency(String flow, Snapshot.Latency latency) {
        if (latency.samples() == 0) {
            return String.format(Locale.ROOT, "latency %s: no readings in the last minute yet%n", flow);
        }
        return String.format(Locale.ROOT, "latency %s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d readings, last "
                + "minute)%n", flow, latency.p50Millis(), latency.p99Millis(), latency.maxMillis(), latency.samples());
    }

    private static String fields(Map<String, Object> fields) {
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> text.append(text.length() == 0 ? "" : "  ").append(name).append(' ')
                .append(value));
        return text.toString();
    }
}
