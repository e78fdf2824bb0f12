package io.streamgrid.demo;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal's view of a snapshot: a few lines a person can take in at a glance, fitted to the terminal. Sections
 * come in order of importance (the dashboard's URL and the totals first, then the connectors' health); those that
 * do not fit are left out, whole, and a last line says so. Every text from outside (device ids, values, errors) is
 * escaped ({@link TerminalText}).
 */
final class TerminalView {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final String MORE = "...";

    private TerminalView() {
    }

    /** The view in at most {@code size.viewLines()} lines of at most {@code size.lineWidth()} characters. */
    static String render(Snapshot s, String dashboardUrl, TerminalSize size) {
        return render(s, dashboardUrl, size, ZoneId.systemDefault());
    }

    static String render(Snapshot s, String dashboardUrl, TerminalSize size, ZoneId zone) {
        List<List<String>> sections = List.of(header(s, dashboardUrl, zone), totals(s), health(s, zone), latency(s),
                commands(s, zone), deviceState(s), alerts(s), coapReadings(s), about(s));
        List<String> lines = new ArrayList<>();
        int limit = size.viewLines();
        int shown = 0;
        for (List<String> section : sections) {
            int needed = (lines.isEmpty() ? 0 : 1) + section.size();
            boolean essential = shown < 2; // the header and the totals, cut short if need be
            boolean last = shown == sections.size() - 1;
            int room = limit - lines.size() - (last ? 0 : 1); // a line for the note on what was left out
            if (!essential && needed > room) {
                break;
            }
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.addAll(section);
            shown++;
        }
        if (shown < sections.size() && lines.size() < limit) {
            lines.add("(" + (sections.size() - shown) + " more sections on the dashboard, or in a larger terminal)");
        }
        StringBuilder view = new StringBuilder();
        for (String line : lines.subList(0, Math.min(lines.size(), limit))) {
            view.append(fit(TerminalText.escape(line), size.lineWidth())).append('\n');
        }
        return view.toString();
    }

    private static List<String> header(Snapshot s, String dashboardUrl, ZoneId zone) {
        return List.of("StreamGrid demo  " + dashboardUrl + "  (Ctrl-C stops everything)",
                String.format(Locale.ROOT, "%s  published: %d CoAP notifications, %d MQTT messages",
                        clock(s.takenAtMillis(), zone), s.coapPublished(), s.mqttPublished()));
    }

    private static List<String> totals(Snapshot s) {
        List<String> lines = new ArrayList<>();
        lines.add("in Hazelcast        kind                       count        rate");
        for (Snapshot.Structure structure : s.structures()) {
            lines.add(String.format(Locale.ROOT, "  %-17s %-15s %9d %-7s %6.1f %s", structure.name(),
                    structure.kind(), structure.total(), structure.totalUnit(), structure.perSecond(),
                    structure.rateUnit()));
        }
        return lines;
    }

    /** The connectors' states (Connect REST API) and what they set aside as bad input. */
    private static List<String> health(Snapshot s, ZoneId zone) {
        List<String> lines = new ArrayList<>();
        lines.add("connectors (Connect REST: " + s.connectRest() + "):");
        for (Snapshot.ConnectorState connector : s.connectors()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-20s %s", connector.name(),
                    connector.state()));
            for (Snapshot.TaskState task : connector.tasks()) {
                line.append(", task ").append(task.id()).append(' ').append(task.state());
            }
            String trace = connector.trace() != null ? connector.trace() : connector.tasks().stream()
                    .map(Snapshot.TaskState::trace).filter(t -> t != null).findFirst().orElse(null);
            if (trace != null) {
                line.append(": ").append(trace);
            }
            lines.add(line.toString());
        }
        long total = s.deadLetters().stream().mapToLong(Snapshot.DeadLetterTopic::count).sum();
        if (total == 0) {
            lines.add("dead letters: none");
            return lines;
        }
        lines.add("dead letters: " + total + " set aside (topics <connector>-dead-letters), the flow goes on");
        for (Snapshot.DeadLetterTopic topic : s.deadLetters()) {
            if (topic.count() > 0) {
                lines.add(String.format(Locale.ROOT, "  %-20s %d, last %s: %s", topic.connector(), topic.count(),
                        clock(topic.lastAtMillis(), zone), topic.lastReason()));
            }
        }
        return lines;
    }

    private static List<String> latency(Snapshot s) {
        return List.of(latency("MQTT device -> Hazelcast", s.mqttLatency()),
                latency("CoAP sensor -> Hazelcast", s.coapLatency()));
    }

    private static String latency(String flow, Snapshot.Latency latency) {
        if (latency.samples() == 0) {
            return String.format(Locale.ROOT, "latency %s: no readings in the last minute yet", flow);
        }
        return String.format(Locale.ROOT, "latency %s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d readings, last "
                + "minute)", flow, latency.p50Millis(), latency.p99Millis(), latency.maxMillis(), latency.samples());
    }

    /**
     * The command loop: each device's interval now (which a command changes), the round trips of the last minute and
     * the latest commands with their state.
     */
    private static List<String> commands(Snapshot s, ZoneId zone) {
        List<String> lines = new ArrayList<>();
        lines.add(intervals("MQTT devices, a reading every:", s.devices()));
        lines.add(intervals("CoAP sensors, a reading every:", s.coapSensors()));
        Snapshot.Latency roundTrip = s.commands().roundTrip();
        lines.add("commands (reliable topic commands -> devices -> map command_status): " + (roundTrip.samples() == 0
                ? "none answered in the last minute; send one from a device's tile on the dashboard"
                : String.format(Locale.ROOT, "round trip p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d, last minute)",
                        roundTrip.p50Millis(), roundTrip.p99Millis(), roundTrip.maxMillis(), roundTrip.samples())));
        for (Snapshot.Command command : s.commands().recent().stream().limit(3).toList()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s %s %s %s %s: %s",
                    clock(command.sentAtMillis(), zone), command.commandId(), command.deviceId(), command.action(),
                    command.value(), command.state()));
            if (command.result() != null && !command.result().equals("ok")) {
                line.append(" (").append(command.result()).append(')');
            }
            if (command.roundTripMillis() > 0) {
                line.append(", round trip ").append(command.roundTripMillis()).append(" ms");
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static String intervals(String title, List<Snapshot.Device> devices) {
        StringBuilder line = new StringBuilder(title);
        for (Snapshot.Device device : devices) {
            line.append("  ").append(device.id()).append(' ').append(device.intervalMillis() <= 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f s", device.intervalMillis() / 1000));
        }
        return devices.isEmpty() ? title + " (none yet)" : line.toString();
    }

    private static List<String> deviceState(Snapshot s) {
        List<String> lines = new ArrayList<>();
        lines.add("latest state per device (map device_state: merged Compact records, version = ts), by SQL:");
        lines.add("  sql> " + s.sql().query());
        if (s.sql().error() != null) {
            lines.add("  (no mapping yet: " + s.sql().error() + ")");
        }
        List<String> columns = s.sql().columns();
        for (List<String> row : s.sql().rows()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-10s", row.get(0)));
            for (int i = 1; i < row.size(); i++) {
                line.append(' ').append(columns.get(i)).append(' ').append(row.get(i));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static List<String> alerts(Snapshot s) {
        List<String> lines = new ArrayList<>();
        lines.add("recent alerts (reliable topic alerts):");
        s.alerts().stream().limit(3).forEach(alert -> lines.add("  " + fields(alert)));
        return lines;
    }

    private static List<String> coapReadings(Snapshot s) {
        List<String> lines = new ArrayList<>();
        lines.add("recent CoAP readings taken from queue dev:");
        s.recentCoapReadings().stream().limit(3).forEach(reading -> lines.add("  " + reading));
        return lines;
    }

    private static List<String> about(Snapshot s) {
        return List.of("devices: " + s.devicesRunning(),
                "Avro schemas in Apicurio Registry: " + String.join(", ", s.schemas()));
    }

    /** Numbers with two decimals where they have a fraction, so a column's values line up. */
    private static String fields(Map<String, Object> fields) {
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> text.append(text.length() == 0 ? "" : "  ").append(name).append(' ')
                .append(value instanceof Double || value instanceof Float
                        ? String.format(Locale.ROOT, "%.2f", ((Number) value).doubleValue()) : value));
        return text.toString();
    }

    private static String clock(long millis, ZoneId zone) {
        return millis <= 0 ? "--:--:--" : CLOCK.format(Instant.ofEpochMilli(millis).atZone(zone));
    }

    /** {@code line} cut to {@code width} characters, marked where it was cut. */
    private static String fit(String line, int width) {
        if (line.length() <= width) {
            return line;
        }
        return width <= MORE.length() ? line.substring(0, width) : line.substring(0, width - MORE.length()) + MORE;
    }
}
