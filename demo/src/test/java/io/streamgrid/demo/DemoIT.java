package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The demo as README command 1 runs it: {@link DemoLauncher} (what {@code exec:java@demo} runs in Maven's JVM) starts
 * the demo in its own JVM (here with {@code --terminal plain}, so its views come on stdout); the whole flow from
 * simulated devices to Hazelcast, on loopback only; bad readings set aside while the flow goes on; the dashboard
 * driven in a real headless Chromium, its buttons sending commands that come back acknowledged and change the
 * devices; then Ctrl-C (SIGINT to the launcher's process group, as a terminal sends it),
 * which must stop everything within seconds, before the launcher gives the prompt back, and leave nothing in the
 * temporary directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final StringBuffer OUTPUT = new StringBuffer();
    private static final String PROBE = "probe-1";
    private static Process launcher;
    private static Path tmp;
    private static String dashboardUrl;
    private static int mqttPort;

    @BeforeAll
    static void startTheDemo() throws Exception {
        tmp = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "demo-it-tmp");
        // setsid: the launcher leads a process group of its own, which Ctrl-C signals as a whole (the launcher and
        // the demo it starts). env --default-signal=INT: a process started in the background inherits SIGINT
        // ignored, as Maven's forked test JVM may; a user's demo gets Ctrl-C with the default disposition
        List<String> command = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddemo.jvm.args=" + System.getProperty("demo.jvm.args").trim() + " -Djava.io.tmpdir=" + tmp));
        for (String property : List.of("streamgrid.plugins", "streamgrid.converter.plugins", "streamgrid.config.examples",
                "streamgrid.apicurio.jar")) {
            command.add("-D" + property + "=" + System.getProperty(property));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DemoLauncher.class.getName(),
                "--terminal", "plain", "--hazelcast-port", String.valueOf(freeTcp()), "--mqtt-port",
                String.valueOf(mqttPort = freeTcp()), "--coap-port", String.valueOf(freeUdp()), "--registry-port",
                String.valueOf(freeTcp()), "--dashboard-port", "0"));
        launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(launcher.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    OUTPUT.append(line).append('\n');
                }
            } catch (IOException e) {
                OUTPUT.append("(reading the demo's output failed: ").append(e).append(")\n");
            }
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        await("the demo prints its dashboard's URL").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> OUTPUT.indexOf("Dashboard: ") >= 0 || !launcher.isAlive());
        Matcher url = Pattern.compile("Dashboard: (http://\\S+)").matcher(OUTPUT);
        assertThat(url.find()).as("the demo started:\n" + OUTPUT).isTrue();
        dashboardUrl = url.group(1);
    }

    @AfterAll
    static void stopTheDemo() throws IOException {
        if (launcher != null) {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
        Files.writeString(Path.of("target", "demo-output.txt"), OUTPUT); // what a user would have seen
    }

    @Test
    @Order(1)
    void theTerminalShowsDevicesStateLatencyAlertsAndHealthyConnectors() {
        await("every structure fills and the device state has all 5 devices").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    String view = lastView();
                    for (String structure : List.of("dev", "sensor_ringbuffer", "readings", "alerts")) {
                        assertThat(total(view, structure)).as(structure + " in\n" + view).isPositive();
                    }
                    assertThat(total(view, "device_state")).as(view).isEqualTo(5);
                    assertThat(view).containsPattern("\n  device_state +IMAP +5 entries +\\d+\\.\\d updates/s\n")
                            .containsPattern("\n  readings +RING_BUFFER +\\d+ records +\\d+\\.\\d records/s\n")
                            .containsPattern("latency MQTT device -> Hazelcast: p50 \\d+ ms, p99 \\d+ ms")
                            .containsPattern("latency CoAP sensor -> Hazelcast: p50 \\d+ ms")
                            .contains("sql> " + GridWatch.DEVICE_STATE_SQL)
                            .containsPattern("\n  device-1 +temperature \\d+\\.\\d\\d humidity \\d+\\.\\d\\d ts [0-9]{13}\n")
                            .contains("telemetry-value", "coap_sensor_topic-value")
                            .containsPattern("recent CoAP readings taken from queue dev:\n  \\{\"sensorId\":\"Sensor")
                            .contains("\n  coap-source          RUNNING, task 0 RUNNING\n",
                                    "\n  hazelcast-sink-coap  RUNNING, task 0 RUNNING\n",
                                    "\n  hazelcast-sink-mqtt  RUNNING, task 0 RUNNING\n",
                                    "\n  mqtt-source          RUNNING, task 0 RUNNING\n",
                                    // the command loop
                                    "\n  hazelcast-source     RUNNING, task 0 RUNNING\n",
                                    "\n  mqtt-sink            RUNNING, task 0 RUNNING\n",
                                    "\n  coap-sink            RUNNING, task 0 RUNNING\n",
                                    "\n  mqtt-source-command-responses RUNNING, task 0 RUNNING\n",
                                    "\n  hazelcast-sink-command-status RUNNING, task 0 RUNNING\n",
                                    "\ndead letters: none\n")
                            .containsPattern("\nMQTT devices, a reading every:  device-1 (1\\.0\\d|0\\.9\\d) s")
                            .containsPattern("\nCoAP sensors, a reading every:  Sensor1 \\d\\.\\d\\d s")
                            .contains("\ncommands (reliable topic commands -> devices -> map command_status): none "
                                    + "answered");
                });
        assertThat(OUTPUT.toString()).contains("Running: 5 CoAP sensors (a reading each every 2500 ms, 2.0/s in all), "
                + "5 MQTT devices (a reading each every 1000 ms, 5.0/s in all)");
    }

    @Test
    @Order(2)
    void everythingListensOnLoopbackOnly() {
        List<OpenSockets.Listener> listeners = OpenSockets.listeners(OpenSockets.withDescendants(launcher.toHandle()));
        assertThat(listeners).as("the demo's sockets").extracting(OpenSockets.Listener::port)
                .contains(Integer.parseInt(dashboardUrl.replaceAll(".*:(\\d+)/$", "$1")), mqttPort);
        assertThat(listeners).as("sockets open to other machines").filteredOn(listener -> !listener.onLoopback())
                .isEmpty();
    }

    @Test
    @Order(3)
    void badReadingsAreSetAsideWithTheirReasonAndTheDemoKeepsFlowing() throws Exception {
        long readingsBefore = total(lastView(), "readings");
        try (MqttClient client = new MqttClient("tcp://127.0.0.1:" + mqttPort, "demo-it-" + System.nanoTime(),
                new MemoryPersistence())) {
            client.connect();
            publish(client, "device-x", "{\"device_id\":\"device-x\",\"temperature\":21.5,\"humidity\":40.0}"); // no ts
            publish(client, "device-y", "not json");
            // one good reading from a device that then says nothing more: its tile must grey out on the dashboard
            publish(client, PROBE, "{\"device_id\":\"" + PROBE + "\",\"temperature\":20.5,\"humidity\":40.0,\"ts\":"
                    + System.currentTimeMillis() + "}");
            client.disconnect();
        }
        await("both bad readings set aside, with their reasons, on the terminal").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lastView())
                        .containsPattern("\ndead letters: \\d+ set aside")
                        .containsPattern("\n  mqtt-source +1, last \\d\\d:\\d\\d:\\d\\d: The payload is not valid JSON.*\n")
                        .containsPattern("\n  hazelcast-sink-mqtt +1, last \\d\\d:\\d\\d:\\d\\d: Record topic=telemetry "
                                + "partition=0 offset=\\d+ has no version: .*'ts'.*\n"));
        await("readings keep arriving after the bad ones").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> total(lastView(), "readings") >= readingsBefore + 20);
        assertThat(connectorStates()).as("every connector and task, from the Connect REST API")
                .allSatisfy(state -> assertThat(state).endsWith("RUNNING"));
        assertThat(lastView()).doesNotContain("FAILED");
    }

    @Test
    @Order(4)
    void theDashboardShowsLiveStateHealthAndUnitsInARealBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1400", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(dashboardUrl);
            await("six device tiles (five devices and the probe)").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> browser.findElements(By.cssSelector("#devices .device")).size() == 6);
            Map<String, String> before = temperatures(browser);
            await("a device's temperature changes on the page").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> !temperatures(browser).equals(before));
            await("latency, alerts, SQL, connectors, dead letters, units, ages, a silent device")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreException(StaleElementReferenceException.class) // rows redrawn every second
                    .untilAsserted(() -> {
                        assertThat(text(browser, "#latency tr[data-flow=MQTT]")).matches("MQTT \\d+ ms \\d+ ms \\d+ ms .*");
                        assertThat(browser.findElements(By.cssSelector("#alerts li")).get(0).getText())
                                .contains("device_id device-").containsPattern("temperature \\d+\\.\\d\\d");
                        assertThat(browser.findElements(By.cssSelector("#sql tbody tr"))).hasSize(6);
                        assertThat(text(browser, ".structure[data-name=readings] .total"))
                                .matches("[1-9][\\d,]* records, \\d+\\.\\d records/s");
                        assertThat(text(browser, ".structure[data-name=device_state] .total"))
                                .matches("6 entries, \\d+\\.\\d updates/s");
                        assertThat(browser.findElement(By.cssSelector(".structure[data-name=readings] canvas"))
                                .getAttribute("aria-label")).startsWith("records/s over the last 60 s, from 0 to ");
                        assertThat(browser.findElements(By.cssSelector("#connectors tbody tr"))).hasSize(9)
                                .allSatisfy(row -> assertThat(row.getText()).contains("RUNNING", "task 0 RUNNING")
                                        .doesNotContain("FAILED"));
                        assertThat(text(browser, "#dead-letters li[data-connector=mqtt-source]"))
                                .startsWith("mqtt-source: 1 in topic mqtt-source-dead-letters\nlast ")
                                .containsPattern("\\(\\d+ s ago\\)");
                        assertThat(text(browser, "#dead-letters li[data-connector=hazelcast-sink-mqtt]"))
                                .containsPattern("hazelcast-sink-mqtt: [1-9]\\d* in topic");
                        assertThat(text(browser, ".device[data-id=device-1] .field[data-name=ts] .value"))
                                .as("a device's time: local time and age").matches("\\d{1,2}:\\d\\d:\\d\\d.* \\(\\d+ s ago\\)");
                        assertThat(text(browser, ".device[data-id=device-1] .field[data-name=temperature] .value"))
                                .matches("\\d+\\.\\d\\d");
                        assertThat(browser.findElement(By.cssSelector(".device[data-id=device-1]"))
                                .getAttribute("class")).doesNotContain("silent");
                        WebElement probe = browser.findElement(By.cssSelector(".device[data-id=" + PROBE + "]"));
                        assertThat(probe.getAttribute("class")).as("the probe, silent since its one reading")
                                .contains("silent");
                        assertThat(probe.findElement(By.cssSelector(".seen")).getText()).matches("silent for \\d+ s");
                    });
            commandsReachTheDevicesAndTheirAnswersComeBack(browser);
            Path screenshot = Path.of("target", "dashboard.png");
            Files.write(screenshot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(screenshot)).isPositive();
        } finally {
            browser.quit();
            service.stop();
        }
    }

    @Test
    @Order(5)
    void ctrlCStopsEverythingBeforeThePromptComesBackAndLeavesNothingBehind() throws Exception {
        List<ProcessHandle> demoJvms = launcher.toHandle().children().toList();
        assertThat(demoJvms).as("the demo's JVM, started by the launcher").hasSize(1);
        long started = System.nanoTime();
        // what a terminal does on Ctrl-C: SIGINT to every process of the foreground group
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + launcher.pid()).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
            demoJvms.forEach(jvm -> quit(jvm.pid())); // threads to stdout
            throw new AssertionError("the demo did not stop within 60 s of SIGINT:\n" + tail(40_000));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(demoJvms).as("the demo's JVM when the launcher (Maven's JVM) ends and the prompt would come back")
                .noneMatch(ProcessHandle::isAlive);
        await("\"Stopped.\" in\n" + tail()).atMost(Duration.ofSeconds(5)).until(() -> OUTPUT.indexOf("Stopped.") >= 0);
        assertThat(took).as("Ctrl-C to exit (typically 3-5 s; a loaded machine may need the Connect worker's "
                + "10 s)").isLessThan(Duration.ofSeconds(20));
        assertThat(OUTPUT.toString()).as("a quiet log: no stack traces").doesNotContain("\tat ")
                .doesNotContain("Terminating forcefully");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("what the demo left in its temporary directory").isEmpty();
        }
    }

    /**
     * The command loop from the dashboard's buttons: a new reading interval for an MQTT device and the LED of a CoAP
     * sensor, each published by the console to Hazelcast, taken to the device by the Hazelcast source and the MQTT or
     * CoAP sink, applied (the device's rate changes on its tile, the sensor's readings carry the LED) and answered;
     * the answers come back into map command_status, where the page and the terminal show them acknowledged with
     * their round trips.
     */
    private static void commandsReachTheDevicesAndTheirAnswersComeBack(WebDriver browser) {
        await("device-2 at its first interval, a reading a second").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(text(browser, ".device[data-id=device-2] .rate"))
                        .matches("a reading every (1\\.0\\d|0\\.9\\d) s .*"));
        WebElement device = browser.findElement(By.cssSelector(".device[data-id=device-2]"));
        device.findElement(By.cssSelector("select.interval option[value='250']")).click();
        device.findElement(By.cssSelector("button.set-interval")).click();
        await("a CoAP sensor's tile").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> !browser.findElements(By.cssSelector("#coap-sensors .device[data-id=Sensor2]")).isEmpty());
        browser.findElement(By.cssSelector("#coap-sensors .device[data-id=Sensor2] button.led")).click();
        await("both commands acknowledged, the MQTT device 4 times as fast, the sensor's LED on")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                // rows are redrawn every second, and a command's row comes once it is sent (one ignoreException
                // call replaces the one before it, so both in one predicate)
                .ignoreExceptionsMatching(e -> e instanceof StaleElementReferenceException
                        || e instanceof NoSuchElementException)
                .untilAsserted(() -> {
                    assertThat(text(browser, "#commands tr[data-device=device-2]"))
                            .matches(".* device-2 interval 250 acknowledged ok \\+\\d+ ms \\+\\d+ ms \\d+ ms");
                    assertThat(text(browser, "#commands tr[data-device=Sensor2]"))
                            .matches(".* Sensor2 led on acknowledged ok \\+\\d+ ms \\+\\d+ ms \\d+ ms");
                    assertThat(text(browser, ".device[data-id=device-2] .rate"))
                            .matches("a reading every 0\\.(2\\d|30) s .*");
                    assertThat(text(browser, ".device[data-id=device-2] .field[data-name=interval_ms] .value"))
                            .isEqualTo("250");
                    assertThat(text(browser, "#coap-sensors .device[data-id=Sensor2] .field[data-name=led] .value"))
                            .isEqualTo("on");
                    assertThat(text(browser, "#round-trip")).matches("round trip p50 \\d+ ms, p99 \\d+ ms, .*");
                });
        await("the terminal shows both commands acknowledged and device-2's new interval")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(lastView())
                        .containsPattern("\n  \\d\\d:\\d\\d:\\d\\d \\S+ Sensor2 led on: acknowledged, round trip \\d+ ms\n")
                        .containsPattern("\n  \\d\\d:\\d\\d:\\d\\d \\S+ device-2 interval 250: acknowledged, round trip \\d+ ms\n")
                        .containsPattern("\nMQTT devices, a reading every: .* device-2 0\\.(2\\d|30) s")
                        .containsPattern("round trip p50 \\d+ ms, p99 \\d+ ms, max \\d+ ms \\(2, last minute\\)"));
    }

    private static void publish(MqttClient client, String device, String payload) throws MqttException {
        client.publish("devices/" + device + "/telemetry", payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static String text(WebDriver browser, String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** Asks a JVM for a thread dump on its standard output, and waits a little for it to arrive. */
    private static void quit(long pid) {
        try {
            new ProcessBuilder("kill", "-QUIT", String.valueOf(pid)).start().waitFor();
            await().atMost(Duration.ofSeconds(5)).until(() -> OUTPUT.indexOf("Full thread dump") >= 0);
        } catch (IOException | InterruptedException | ConditionTimeoutException e) {
            OUTPUT.append("(no thread dump: ").append(e).append(")\n");
        }
    }

    /** "connector RUNNING", "connector task 0 RUNNING", ... from GET /connectors?expand=status. */
    private static List<String> connectorStates() throws IOException, InterruptedException {
        Matcher rest = Pattern.compile("Connect REST: (http://[^\\s)]+)").matcher(OUTPUT);
        assertThat(rest.find()).as("the view names the Connect REST API").isTrue();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rest.group(1) + "?expand=status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> states = new ArrayList<>();
        for (Map.Entry<String, JsonNode> connector : new ObjectMapper().readTree(response.body()).properties()) {
            JsonNode status = connector.getValue().get("status");
            states.add(connector.getKey() + " " + status.get("connector").get("state").asText());
            status.get("tasks").forEach(task -> states.add(connector.getKey() + " task " + task.get("id").asInt() + " "
                    + task.get("state").asText()));
        }
        assertThat(states).as("connectors").hasSizeGreaterThanOrEqualTo(8);
        return states;
    }

    private static Map<String, String> temperatures(WebDriver browser) {
        Map<String, String> values = new TreeMap<>();
        for (WebElement tile : browser.findElements(By.cssSelector("#devices .device"))) {
            List<WebElement> value = tile.findElements(By.cssSelector(".field[data-name=temperature] .value"));
            values.put(tile.getAttribute("data-id"), value.isEmpty() ? "" : value.get(0).getText());
        }
        return values;
    }

    private static String lastView() {
        String all = OUTPUT.toString();
        int start = all.lastIndexOf("----\n");
        return start < 0 ? "" : all.substring(start);
    }

    private static long total(String view, String structure) {
        Matcher matcher = Pattern.compile("\n  " + Pattern.quote(structure) + " +\\S+( \\(taken\\))? +(\\d+) "
                + "(records|entries) ").matcher(view);
        assertThat(matcher.find()).as("the view shows " + structure + ":\n" + view).isTrue();
        return Long.parseLong(matcher.group(2));
    }

    private static String tail() {
        return tail(4000);
    }

    private static String tail(int characters) {
        String all = OUTPUT.toString();
        return all.substring(Math.max(0, all.length() - characters));
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdp() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
