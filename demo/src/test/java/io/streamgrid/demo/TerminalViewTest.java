package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TerminalViewTest {

    private static final String URL = "http://127.0.0.1:8080/";

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"24, 80", "25, 80", "30, 100", "40, 120", "12, 60", "8, 40", "3, 20", "1, 10", "2, 2"})
    void fitsTheTerminalSoARedrawNeverScrolls(int rows, int columns) {
        List<String> lines = lines(TerminalView.render(Snapshots.sample(), URL, new TerminalSize(rows, columns),
                ZoneOffset.UTC));
        assertThat(lines).as("lines, leaving the last row to the cursor").hasSizeLessThanOrEqualTo(Math.max(1, rows - 1));
        assertThat(lines).as("lines no wider than the terminal").allSatisfy(line ->
                assertThat(line.length()).isLessThanOrEqualTo(columns));
        assertThat(lines.get(0)).as("the first line").startsWith(columns > 3 ? "St" : "");
        if (columns >= 60) {
            assertThat(lines.get(0)).as("the first line").contains(URL);
        }
    }

    @Test
    void keepsTheUrlAndTotalsOnTopAndDropsWholeSectionsOnAClassicTerminal() {
        String view = TerminalView.render(Snapshots.sample(), URL, new TerminalSize(24, 80), ZoneOffset.UTC);
        List<String> lines = lines(view);
        assertThat(lines.get(0)).contains(URL);
        assertThat(view).contains("  readings", "  device_state", "5 entries", "updates/s", "records/s")
                .contains("hazelcast-sink-mqtt  RUNNING, task 0 RUNNING")
                .contains("dead letters: 1 set aside")
                .doesNotContain("Avro schemas in Apicurio Registry") // the least important section goes first
                .containsPattern("\\(\\d+ more sections on the dashboard, or in a larger terminal\\)");
        assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("  sql>")); // no half sections
    }

    @Test
    void showsEverythingWithoutATerminal() {
        String view = TerminalView.render(Snapshots.sample(), URL, TerminalSize.UNLIMITED, ZoneOffset.UTC);
        assertThat(view).contains(URL, "  device_state", "connectors (Connect REST: http://127.0.0.1:8083/connectors)",
                        "mqtt-source          1, last 00:53:15: devices/x/telemetry: not JSON",
                        "sql> " + GridWatch.DEVICE_STATE_SQL, "  device-5   temperature 25.00 humidity 41.50 ts",
                        "recent alerts", "recent CoAP readings", "Avro schemas in Apicurio Registry: telemetry-value",
                        "MQTT devices, a reading every:  device-1 1.00 s  device-2 1.00 s",
                        "CoAP sensors, a reading every:  Sensor1 2.50 s",
                        "commands (reliable topic commands -> devices -> map command_status): round trip p50 30 ms, "
                                + "p99 45 ms, max 45 ms (2, last minute)",
                        "  00:53:17 c1-2 Sensor1 led on: acknowledged, round trip 45 ms\n"
                                + "  00:53:11 c1-1 device-2 interval 250: acknowledged, round trip 30 ms\n")
                .doesNotContain("more sections");
    }

    @Test
    void showsAFailedTaskWithItsReason() {
        Snapshot sample = Snapshots.sample();
        List<Snapshot.ConnectorState> connectors = List.of(new Snapshot.ConnectorState("hazelcast-sink-mqtt",
                "RUNNING", null, List.of(new Snapshot.TaskState(0, "FAILED",
                        "org.apache.kafka.connect.errors.ConnectException: Cannot write record"))));
        Snapshot failed = new Snapshot(sample.takenAtMillis(), sample.connectRest(), sample.devicesRunning(),
                sample.deviceSilentAfterMillis(), sample.coapPublished(), sample.mqttPublished(), sample.structures(),
                sample.devices(), sample.mqttLatency(), sample.coapLatency(), sample.alerts(),
                sample.recentCoapReadings(), sample.sql(), sample.schemas(), connectors, sample.deadLetters(),
                sample.coapSensors(), sample.commands());
        assertThat(TerminalView.render(failed, URL, TerminalSize.UNLIMITED, ZoneOffset.UTC)).contains(
                "  hazelcast-sink-mqtt  RUNNING, task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: "
                        + "Cannot write record");
    }

    @Test
    void escapesControlCharactersInDeviceStrings() {
        String title = "\u001b]0;owned\u0007"; // sets a terminal's window title
        String view = TerminalView.render(Snapshots.withDevice("dev" + title + "\u009b2J\u202eice"), URL,
                TerminalSize.UNLIMITED, ZoneOffset.UTC);
        assertThat(view).doesNotContain("\u001b", "\u0007", "\u009b", "\u202e")
                .contains("dev\\e]0;owned\\x07\\x9b2J\\u202eice");
        assertThat(view.chars().filter(c -> c < 0x20 && c != '\n')).as("control characters but the line ends")
                .isEmpty();
    }

    private static List<String> lines(String view) {
        assertThat(view).endsWith("\n");
        return List.of(view.substring(0, view.length() - 1).split("\n", -1));
    }
}
