package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The demo as README command 1 runs it: its own JVM (here with {@code --terminal plain}, so its views come on
 * stdout), the whole flow from simulated devices to Hazelcast; its dashboard driven in a real headless Chromium;
 * then Ctrl-C (SIGINT), which must stop everything within seconds and leave nothing in the temporary directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final StringBuffer OUTPUT = new StringBuffer();
    private static Process demo;
    private static Path tmp;
    private static String dashboardUrl;

    @BeforeAll
    static void startTheDemo() throws Exception {
        tmp = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "demo-it-tmp");
        // env --default-signal=INT: a process started in the background inherits SIGINT ignored, as Maven's
        // forked test JVM may; a user's demo gets Ctrl-C from the terminal with the default disposition
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(System.getProperty("demo.jvm.args").trim().split("\\s+")));
        command.add("-Djava.io.tmpdir=" + tmp);
        for (String property : List.of("streamgrid.plugins", "streamgrid.converter.plugins", "streamgrid.config.examples",
                "streamgrid.apicurio.jar")) {
            command.add("-D" + property + "=" + System.getProperty(property));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Demo.class.getName(),
                "--terminal", "plain", "--hazelcast-port", String.valueOf(freeTcp()), "--mqtt-port",
                String.valueOf(freeTcp()), "--coap-port", String.valueOf(freeUdp()), "--registry-port",
                String.valueOf(freeTcp()), "--dashboard-port", "0"));
        demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(),
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
                .until(() -> OUTPUT.indexOf("Dashboard: ") >= 0 || !demo.isAlive());
        Matcher url = Pattern.compile("Dashboard: (http://\\S+)").matcher(OUTPUT);
        assertThat(url.find()).as("the demo started:\n" + OUTPUT).isTrue();
        dashboardUrl = url.group(1);
    }

    @AfterAll
    static void stopTheDemo() throws IOException {
        if (demo != null && demo.isAlive()) {
            demo.destroyForcibly();
        }
        Files.writeString(Path.of("target", "demo-output.txt"), OUTPUT); // what a user would have seen
    }

    @Test
    @Order(1)
    void theTerminalShowsDevicesStateLatencyAndAlertsArriving() {
        await("every structure fills and the device state has all 5 devices").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    String view = lastView();
                    for (String structure : List.of("dev", "sensor_ringbuffer", "readings", "alerts")) {
                        assertThat(total(view, structure)).as(structure + " in\n" + view).isPositive();
                    }
                    assertThat(total(view, "device_state")).as(view).isEqualTo(5);
                    assertThat(view).containsPattern("latency MQTT device -> Hazelcast: p50 \\d+ ms, p99 \\d+ ms")
                            .containsPattern("latency CoAP sensor -> Hazelcast: p50 \\d+ ms")
                            .contains("sql> " + GridWatch.DEVICE_STATE_SQL)
                            .containsPattern("\n  device-1 +temperature [0-9.]+ +humidity [0-9.]+ +ts [0-9]{13}\n")
                            .contains("telemetry-value", "coap_sensor_topic-value")
                            .containsPattern("recent CoAP readings taken from queue dev:\n  \\{\"sensorId\":\"Sensor");
                });
        assertThat(OUTPUT.toString()).contains("Running: 5 CoAP sensors (a reading each every 2500 ms, 2.0/s in all), "
                + "5 MQTT devices (a reading each every 1000 ms, 5.0/s in all)");
    }

    @Test
    @Order(2)
    void theDashboardShowsLiveDeviceStateInARealBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1100", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(dashboardUrl);
            await("five device tiles").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> browser.findElements(By.cssSelector("#devices .device")).size() == 5);
            Map<String, String> before = temperatures(browser);
            await("a device's temperature changes on the page").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> !temperatures(browser).equals(before));
            await("latency percentiles, alerts, the SQL result and a rate chart").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreException(StaleElementReferenceException.class) // rows redrawn every second
                    .untilAsserted(() -> {
                        assertThat(browser.findElement(By.cssSelector("#latency tr[data-flow=MQTT]")).getText())
                                .matches("MQTT \\d+(\\.\\d+)? ms \\d+(\\.\\d+)? ms .*");
                        assertThat(browser.findElements(By.cssSelector("#alerts li")).get(0).getText())
                                .contains("device_id device-").contains("temperature");
                        assertThat(browser.findElements(By.cssSelector("#sql tbody tr"))).hasSize(5);
                        assertThat(browser.findElement(By.cssSelector(".structure[data-name=readings] .total"))
                                .getText()).matches("[1-9]\\d* total, .*");
                    });
            Path screenshot = Path.of("target", "dashboard.png");
            Files.write(screenshot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(screenshot)).isPositive();
        } finally {
            browser.quit();
            service.stop();
        }
    }

    @Test
    @Order(3)
    void ctrlCStopsEverythingWithinSecondsAndLeavesNothingBehind() throws Exception {
        long started = System.nanoTime();
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(demo.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        if (!demo.waitFor(30, TimeUnit.SECONDS)) {
            new ProcessBuilder("kill", "-QUIT", String.valueOf(demo.pid())).start().waitFor(); // threads to stdout
            Thread.sleep(2000);
            throw new AssertionError("the demo did not stop within 30 s of SIGINT:\n" + tail(40_000));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        await("\"Stopped.\" in\n" + tail()).atMost(Duration.ofSeconds(5)).until(() -> OUTPUT.indexOf("Stopped.") >= 0);
        assertThat(took).as("Ctrl-C to exit (typically 3-5 s; a loaded machine may need the Connect worker's "
                + "10 s)").isLessThan(Duration.ofSeconds(20));
        assertThat(OUTPUT.toString()).as("a quiet log: no stack traces").doesNotContain("\tat ")
                .doesNotContain("Terminating forcefully");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("what the demo left in its temporary directory").isEmpty();
        }
    }

    private static Map<String, String> temperatures(WebDriver browser) {
        Map<String, String> values = new java.util.TreeMap<>();
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
        Matcher matcher = Pattern.compile("\n  " + Pattern.quote(structure) + " +\\S+( \\(taken\\))? +(\\d+) ")
                .matcher(view);
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
