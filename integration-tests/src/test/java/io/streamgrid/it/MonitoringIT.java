package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import io.streamgrid.simulators.CoapFleetSimulator;
import io.streamgrid.simulators.CoapSensorSimulator;
import io.streamgrid.simulators.MqttDeviceSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.model.MetricDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a platform team's Prometheus and Grafana see of StreamGrid. A Kafka Connect 4.3 worker (a process from
 * Kafka's own jars, only our packaged plugins on plugin.path) runs the Prometheus JMX exporter agent with our rules
 * (deploy/monitoring/streamgrid-jmx-exporter.yaml) and every config example, with traffic: MQTT devices on
 * mosquitto, a CoAP server, CoAP actuators, a Hazelcast member, commands (some bad, some tombstones) written to Kafka
 * and to Hazelcast, Sparkplug B
 * messages with an undefined alias and seq gaps, and a broker restart. Checked from outside, over HTTP: every metric
 * of docs/metrics.md (read now, not listed here) is exported for every task with its labels and type, per statement
 * too, and the counters move; the dashboard and the alert rules read only names the worker exports; where Prometheus
 * and promtool are installed (.ci/run installs them) a real Prometheus, started from deploy/monitoring/prometheus.yml,
 * scrapes the worker, evaluates every dashboard query and alert, and the dashboard is drawn from its answers.
 * Run alone: {@code mvn -B -q install -DskipTests && mvn -B -pl integration-tests verify -Dit.test=MonitoringIT};
 * {@code -Dstreamgrid.monitoring.picture=<png>} keeps the picture (docs/images/monitoring-dashboard.png) and
 * {@code -Dstreamgrid.monitoring.seconds=N} lets the traffic run N seconds longer before it is taken.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {

    static final Path METRICS_DOC = ConnectCluster.EXAMPLES.getParent().resolve("docs").resolve("metrics.md");
    private static final Path OUT = Path.of("target", "monitoring").toAbsolutePath();
    /** The metric names the worker exported, for a look after the run (the dashboard and alert checks use them). */
    static final Path SEEN_NAMES = OUT.resolve("scraped-metric-names.txt");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DOC_ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (\\w+) \\| (.*)$", Pattern.MULTILINE);
    private static final Pattern EXTRA_TAG = Pattern.compile("extra tag (\\w+)=<");

    private static Mosquitto mosquitto;
    private static CompatibilityMatrixIT.HazelcastMember member;
    private static CoapSensorSimulator sensors;
    private static MqttDeviceSimulator devices;
    private static CoapActuators actuators;
    /** Devices POSTing to the CoAP source in server mode, from 16 ports so that the kernel gives both tasks some. */
    private static CoapFleetSimulator postingDevices;
    private static KafkaRelease kafka;
    private static PrometheusServer prometheus;
    private static Traffic traffic;
    private static Instant started;
    /** Each connector the examples run, with its tasks' ids. */
    private static final Map<String, List<String>> TASKS = new LinkedHashMap<>();
    private static final Set<String> SEEN = new TreeSet<>();

    /** A metric of docs/metrics.md: its name, whether it counts (a total), and the tags it is also kept by. */
    record DocumentedMetric(String name, boolean counter, List<String> tags) {

        static List<DocumentedMetric> read() throws IOException {
            List<DocumentedMetric> metrics = new ArrayList<>();
            Matcher row = DOC_ROW.matcher(Files.readString(METRICS_DOC));
            while (row.find()) {
                List<String> tags = new ArrayList<>();
                Matcher tag = EXTRA_TAG.matcher(row.group(3));
                while (tag.find()) {
                    tags.add(tag.group(1));
                }
                metrics.add(new DocumentedMetric(row.group(1), row.group(2).equals("total"), List.copyOf(tags)));
            }
            assertThat(metrics).as("the metrics table of " + METRICS_DOC).hasSizeGreaterThan(10);
            return metrics;
        }

        String prometheusName() {
            return "streamgrid_" + name.replace('-', '_');
        }

        /** The name of the metric kept per {@code tag} (per statement, per structure). */
        String prometheusName(String tag) {
            return "streamgrid_" + tag + "_" + name.replace('-', '_');
        }
    }

    @BeforeAll
    static void start() throws Exception {
        mosquitto = Mosquitto.start();
        Path dir = Files.createDirectories(OUT.resolve(String.valueOf(System.nanoTime())));
        member = CompatibilityMatrixIT.HazelcastMember.start("5.7", dir);
        int coapPort = ConnectCluster.freeUdpPort();
        sensors = new CoapSensorSimulator("127.0.0.1", coapPort, 3);
        devices = new MqttDeviceSimulator(mosquitto.url(), 3);
        actuators = new CoapActuators();
        kafka = new KafkaRelease("4.3", CompatibilityMatrixIT.TEST_JDK, dir, 1, Map.of(),
                JmxExporterAgent.withOurRules());
        if (PrometheusServer.installed()) {
            prometheus = PrometheusServer.start(dir, List.of(kafka.metricsUrl(0).replaceAll("^http://|/metrics$", "")));
        }
        started = Instant.now();
        int serverModePort = ConnectCluster.freeUdpPort();
        runEveryExample(coapPort, serverModePort, Files.writeString(dir.resolve("coap-devices.properties"),
                "dev-1=secret-1\n"));
        postingDevices = new CoapFleetSimulator("127.0.0.1", new InetSocketAddress("127.0.0.1", serverModePort),
                "telemetry", 16, 30_000);
        postingDevices.start(1000);
        sensors.start(100);
        traffic = new Traffic(kafka.bootstrapServers(), mosquitto.url(), devices, member.client());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {traffic, postingDevices, prometheus, kafka, devices, sensors,
                actuators, member, mosquitto}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    /** POSTs every config example, pointed at this test's servers (and {@code devicePsks}, the device keys of the
     * CoAP source in server mode, which also listens on {@code serverModePort} without DTLS for the test's devices),
     * and waits until each runs; every connector class of our plugins must be run by one. */
    private static void runEveryExample(int coapPort, int serverModePort, Path devicePsks) throws Exception {
        List<ObjectNode> bodies = new ArrayList<>();
        Set<String> topics = new TreeSet<>();
        try (Stream<Path> files = Files.list(ConnectCluster.EXAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".json", "");
                ObjectNode body = ConnectCluster.example(name, Map.of());
                ObjectNode config = (ObjectNode) body.get("config");
                replaceIfPresent(config, "connect.mqtt.hosts", mosquitto.url());
                replaceIfPresent(config, "connect.mqtt.client.id", config.path("connect.mqtt.client.id").asText()
                        + "-" + System.nanoTime());
                replaceIfPresent(config, "connect.coap.uri", "coap://127.0.0.1:" + coapPort);
                // the CoAP source in server mode: the devices' keys from a file of the test's, a free port
                replaceIfPresent(config, "connect.coap.server.psk.file", devicePsks.toString());
                replaceIfPresent(config, "connect.coap.server.bind.host", "127.0.0.1");
                replaceIfPresent(config, "connect.coap.server.dtls.port", String.valueOf(ConnectCluster.freeUdpPort()));
                if (config.path("connect.coap.mode").asText().equals("server")) { // plain UDP too, for the test's devices
                    config.put("connect.coap.server.allow.insecure", "true");
                    config.put("connect.coap.server.port", String.valueOf(serverModePort));
                }
                replaceIfPresent(config, "connect.hazelcast.cluster.members", member.address());
                for (String key : List.copyOf(ConnectCluster.asMap(config).keySet())) {
                    if (key.endsWith("bootstrap.servers")) { // e.g. the CoAP sink's reporter
                        config.put(key, kafka.bootstrapServers());
                    }
                    if ((key.endsWith(".reporter.result.topic") || key.endsWith(".reporter.error.topic"))
                            && !config.get(key).asText().isBlank()) { // validate asks for them
                        topics.add(config.get(key).asText());
                    }
                    if (key.endsWith(".kcql")) { // the CoAP sink's targets: the actuators
                        config.put(key, config.get(key).asText().replace("coap://localhost:5683",
                                "coap://" + actuators.address()));
                    }
                }
                if (config.has("topics")) {
                    topics.addAll(List.of(config.get("topics").asText().split(",")));
                }
                bodies.add(body);
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t.trim(), 1, (short) 1)).toList()).all().get();
        }
        Set<String> classesRun = new TreeSet<>();
        for (ObjectNode body : bodies) {
            ConnectRest.post(kafka.restUrl(), body);
            classesRun.add(body.get("config").get("connector.class").asText());
        }
        for (ObjectNode body : bodies) {
            String name = body.get("name").asText();
            ConnectRest.awaitRunning(kafka.restUrl(), name, body.get("config").path("tasks.max").asInt(1));
            List<String> ids = new ArrayList<>();
            ConnectRest.status(kafka.restUrl(), name).path("tasks").forEach(t -> ids.add(t.path("id").asText()));
            TASKS.put(name, ids);
        }
        Set<String> ours = new TreeSet<>();
        ConnectRest.plugins(kafka.restUrl()).forEach(p -> {
            if (p.path("class").asText().startsWith("io.streamgrid.")) {
                ours.add(p.path("class").asText());
            }
        });
        assertThat(classesRun).as("every connector of our plugins runs here through a config example "
                + "(config-examples/<name>.json; this test POSTs each)").containsAll(ours);
    }

    private static void replaceIfPresent(ObjectNode config, String key, String value) {
        if (config.has(key)) {
            config.put(key, value);
        }
    }

    @Test
    @Order(1)
    void everyDocumentedMetricIsExportedForEveryTaskWithItsLabelsAndType() throws Exception {
        List<DocumentedMetric> documented = DocumentedMetric.read();
        await("every task's metrics in the scrape").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Exposition scraped = Exposition.scrape(kafka.metricsUrl(0));
            for (DocumentedMetric metric : documented) {
                assertThat(scraped.types().get(metric.prometheusName())).as(metric.prometheusName() + "'s type")
                        .isEqualTo(metric.counter() ? "counter" : "gauge");
                TASKS.forEach((connector, tasks) -> tasks.forEach(task -> assertThat(scraped.has(
                        metric.prometheusName(), Map.of("connector", connector, "task", task)))
                        .as(metric.prometheusName() + "{connector=\"" + connector + "\",task=\"" + task + "\"}")
                        .isTrue()));
                assertThat(scraped.samples(metric.prometheusName())).as(metric.prometheusName() + " samples")
                        .hasSizeGreaterThanOrEqualTo(TASKS.values().stream().mapToInt(List::size).sum());
            }
        });
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(kafka.jmxUrl()))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            // the per-statement counts exist once a WHERE kept something out (mqtt-source-mqtt5's does)
            await("a statement's filtered-total").atMost(Duration.ofSeconds(30)).until(() ->
                    !server.queryNames(new ObjectName("kafka.connect:type=plugins,statement=*,*"), null).isEmpty());
            AtomicReference<Exposition> last = new AtomicReference<>();
            await("every StreamGrid MBean attribute exported").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                last.set(Exposition.scrape(kafka.metricsUrl(0)));
                assertThat(exportedAsInJmx(server, last.get())).as("missing from the scrape").isEmpty();
            });
            Exposition scraped = last.get();
            for (DocumentedMetric metric : documented) {
                for (String tag : metric.tags()) {
                    for (ObjectName bean : server.queryNames(new ObjectName("kafka.connect:type=plugins," + tag
                            + "=*,*"), null)) {
                        if (attributes(server, bean).contains(metric.name())) {
                            assertThat(scraped.has(metric.prometheusName(tag), Map.of("connector",
                                    value(bean, "connector"), "task", value(bean, "task"), tag, value(bean, tag))))
                                    .as(metric.prometheusName(tag) + " for " + bean).isTrue();
                        }
                    }
                }
            }
            SEEN.addAll(scraped.names());
        }
        Files.createDirectories(OUT);
        Files.write(SEEN_NAMES, SEEN, StandardCharsets.UTF_8);
    }

    /**
     * What the JMX exporter should have made of the worker's StreamGrid MBeans but did not: every attribute of
     * every {@code kafka.connect:type=plugins,connector=..,task=..[,tag=..]} as {@code streamgrid_[tag_]<name>} with
     * those labels. Empty when all is there. CompatibilityMatrixIT asks it of every Kafka release.
     */
    static List<String> exportedAsInJmx(MBeanServerConnection server, Exposition scraped) throws Exception {
        List<String> missing = new ArrayList<>();
        for (ObjectName bean : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
            if (bean.getKeyProperty("task") == null) {
                continue; // a connector's own plugin metrics (none of ours)
            }
            Map<String, String> labels = new LinkedHashMap<>();
            String tag = "";
            for (Map.Entry<String, String> property : bean.getKeyPropertyList().entrySet()) {
                if (!property.getKey().equals("type")) {
                    labels.put(property.getKey(), value(bean, property.getKey()));
                    if (!property.getKey().equals("connector") && !property.getKey().equals("task")) {
                        tag = property.getKey() + "_";
                    }
                }
            }
            for (String attribute : attributes(server, bean)) {
                String name = "streamgrid_" + tag + attribute.replace('-', '_');
                if (!scraped.has(name, labels)) {
                    missing.add(name + labels + " (" + bean + ")");
                }
            }
        }
        return missing;
    }

    private static List<String> attributes(MBeanServerConnection server, ObjectName bean) throws Exception {
        return Stream.of(server.getMBeanInfo(bean).getAttributes()).map(MBeanAttributeInfo::getName).toList();
    }

    private static String value(ObjectName bean, String key) {
        String value = bean.getKeyProperty(key);
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    @Test
    @Order(2)
    void theCountersMoveWithTheTraffic() throws Exception {
        Exposition before = Exposition.scrape(kafka.metricsUrl(0));
        // every task takes records in and accounts for them (delivered, filtered, dead-lettered or skipped)
        await("every task's counters move").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Exposition now = Exposition.scrape(kafka.metricsUrl(0));
            TASKS.forEach((connector, tasks) -> tasks.forEach(task -> {
                Map<String, String> labels = Map.of("connector", connector, "task", task);
                assertThat(now.value("streamgrid_records_in_total", labels)).as(connector + "/" + task + " records in")
                        .isGreaterThan(before.value("streamgrid_records_in_total", labels));
                assertThat(accounted(now, labels)).as(connector + "/" + task + " records out, filtered, "
                        + "dead-lettered or skipped").isGreaterThan(accounted(before, labels));
            }));
        });
        // the broker restarts: MQTT tasks count their reconnection and are connected again
        mosquitto.kill();
        mosquitto.restart();
        await("MQTT reconnections counted").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Exposition now = Exposition.scrape(kafka.metricsUrl(0));
            for (String connector : List.of("mqtt-source", "mqtt-sink")) {
                assertThat(now.value("streamgrid_retries_total", Map.of("connector", connector))).as(connector
                        + " reconnections").isPositive();
                assertThat(now.value("streamgrid_connected", Map.of("connector", connector))).as(connector
                        + " connected").isEqualTo(1.0);
            }
        });
        // what the traffic provokes besides records: each of these counters moved in some task
        Set<String> provoked = Set.of("streamgrid_acknowledged_total", "streamgrid_filtered_total",
                "streamgrid_statement_filtered_total", "streamgrid_dead_lettered_total", "streamgrid_skipped_total",
                "streamgrid_sparkplug_unresolved_aliases_total", "streamgrid_sparkplug_seq_gaps_total",
                "streamgrid_retries_total", "streamgrid_batches_total", "streamgrid_records_out_total");
        await("every provoked counter moved").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Exposition now = Exposition.scrape(kafka.metricsUrl(0));
            for (String counter : provoked) {
                assertThat(now.samples(counter).stream().mapToDouble(Exposition.Sample::value).max().orElse(0))
                        .as(counter + " in some task").isPositive();
            }
        });
        Exposition last = Exposition.scrape(kafka.metricsUrl(0));
        List<String> still = new ArrayList<>();
        for (DocumentedMetric metric : DocumentedMetric.read()) {
            if (metric.counter() && last.samples(metric.prometheusName()).stream().allMatch(s -> s.value() == 0)) {
                still.add(metric.prometheusName());
            }
        }
        System.out.println("MONITORING | counters this test does not provoke, 0 in every task: " + still);
        assertThat(traffic.failure()).as("the traffic's own errors").isNull();
    }

    private static double accounted(Exposition scraped, Map<String, String> labels) {
        return Stream.of("streamgrid_records_out_total", "streamgrid_filtered_total",
                "streamgrid_dead_lettered_total", "streamgrid_skipped_total")
                .mapToDouble(name -> scraped.value(name, labels)).sum();
    }

    @Test
    @Order(3)
    void theDashboardReadsOnlyExportedNamesAndPrometheusEvaluatesEveryQuery() {
        assumeTrue(!SEEN.isEmpty(), "Skipped: the scrape test did not run");
        GrafanaDashboard dashboard = GrafanaDashboard.read();
        List<String> expressions = dashboard.expressions();
        assertThat(expressions).as("the dashboard's queries").hasSizeGreaterThan(10);
        for (String expr : expressions) {
            assertThat(PromQl.metricNames(expr)).as("metric names in " + expr).isNotEmpty().isSubsetOf(SEEN);
        }
        assumeTrue(prometheus != null, "Skipped the evaluation: Prometheus is not installed at "
                + PrometheusServer.BINARY + " (apt-get install prometheus; .ci/run does)");
        for (String expr : expressions) {
            prometheus.query(GrafanaDashboard.concrete(expr)); // an expression Prometheus cannot parse fails here
        }
    }

    @Test
    @Order(4)
    void theAlertRulesReadOnlyExportedNamesAndPassPromtool() throws Exception {
        assumeTrue(!SEEN.isEmpty(), "Skipped: the scrape test did not run");
        Path monitoring = JmxExporterAgent.DEPLOY.resolve("monitoring");
        JsonNode rules = YAML.readTree(monitoring.resolve("alerts.yaml").toFile());
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                assertThat(PromQl.metricNames(rule.path("expr").asText())).as(rule.path("alert").asText())
                        .isNotEmpty().isSubsetOf(SEEN);
                assertThat(rule.path("annotations").path("summary").asText()).as("summary").isNotBlank();
            }
        }
        assertThat(alerts).contains("StreamGridTaskFailed", "StreamGridSourceDropping", "StreamGridDeadLettersRising",
                "StreamGridSinkOutageWaiting", "StreamGridLagGrowing");
        assumeTrue(PrometheusServer.promtoolInstalled(), "Skipped promtool: it is not installed at "
                + PrometheusServer.PROMTOOL + " (apt-get install prometheus brings it; .ci/run does)");
        PrometheusServer.promtool(monitoring.toFile(), "check", "rules", "alerts.yaml");
        PrometheusServer.promtool(monitoring.toFile(), "check", "config", "prometheus.yml");
        PrometheusServer.promtool(monitoring.toFile(), "test", "rules", "alerts-test.yaml");
        if (prometheus != null) {
            // loaded by a Prometheus scraping the worker: each evaluates; the bad commands' dead letters fire one
            await("the rules evaluated on the scraped data").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<String, String> states = new LinkedHashMap<>();
                for (JsonNode group : prometheus.rules().path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        assertThat(rule.path("health").asText()).as(rule.path("name") + ": " + rule.path("lastError"))
                                .isEqualTo("ok");
                        states.put(rule.path("name").asText(), rule.path("state").asText());
                    }
                }
                assertThat(states.keySet()).containsAll(alerts);
                assertThat(states).containsEntry("StreamGridDeadLettersRising", "firing")
                        .containsEntry("StreamGridTaskFailed", "inactive");
            });
        }
    }

    @Test
    @Order(5)
    void theDashboardIsDrawnFromWhatPrometheusScraped() throws Exception {
        assumeTrue(prometheus != null, "Skipped: Prometheus is not installed at " + PrometheusServer.BINARY);
        assumeTrue(Files.isExecutable(DashboardPicture.CHROMIUM), "Skipped: no Chromium at "
                + DashboardPicture.CHROMIUM + " (apt-get install chromium; .ci/run does)");
        long extra = Long.getLong("streamgrid.monitoring.seconds", 0);
        Instant until = Instant.now().plusSeconds(extra);
        await("the extra traffic time").atMost(Duration.ofSeconds(extra + 10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Instant.now().isAfter(until));
        GrafanaDashboard dashboard = GrafanaDashboard.read();
        Path html = OUT.resolve("dashboard.html");
        int withData = DashboardPicture.writePage(dashboard, prometheus, started, Instant.now(),
                "a Kafka Connect 4.3 worker running every config example, scraped by Prometheus every second "
                        + "(MonitoringIT)", html);
        long panels = dashboard.panels().stream().filter(p -> p.has("targets")).count();
        System.out.println("MONITORING | " + withData + " of " + panels + " panels with data");
        assertThat(withData).as("panels with data").isGreaterThanOrEqualTo((int) panels - 2);
        Path png = OUT.resolve("dashboard.png");
        DashboardPicture.screenshot(html, png, DashboardPicture.height(dashboard),
                Files.createDirectories(OUT.resolve("chromium-profile")));
        assertThat(Files.size(png)).as("the screenshot's size").isGreaterThan(50_000);
        String keep = System.getProperty("streamgrid.monitoring.picture");
        if (keep != null) {
            Files.copy(png, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * What keeps the counters moving: commands to the MQTT and CoAP sinks written to Kafka (every twelfth without a
     * device id, a dead letter; every twelfth a tombstone, skipped) and to a Hazelcast reliable topic (the Hazelcast
     * source's), devices answering the commands that reach them over MQTT, MQTT device readings, and Sparkplug B data
     * by an alias no BIRTH defined, its seq jumping. Errors are kept for the test to see.
     */
    private static final class Traffic implements AutoCloseable {

        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final KafkaProducer<String, String> producer;
        /** A Sparkplug B edge node, and the devices' side of the commands: it answers each on its response topic. */
        private final MqttClient edge;
        /** Answers to send, as topic and payload: sent on the ticker's thread, never on Paho's callback thread. */
        private final BlockingQueue<String[]> answers = new ArrayBlockingQueue<>(1000);
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private final AtomicLong tick = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        Traffic(String bootstrapServers, String broker, MqttDeviceSimulator devices, HazelcastInstance hazelcast)
                throws Exception {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                    new StringSerializer(), new StringSerializer());
            edge = new MqttClient(broker, "monitoring-edge-" + System.nanoTime(), new MemoryPersistence());
            edge.setCallback(new Answering());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setAutomaticReconnect(true);
            edge.connect(options);
            ticker.scheduleAtFixedRate(() -> {
                long n = tick.incrementAndGet();
                try {
                    devices.publish();
                    answer();
                    if (n % 3 == 0) {
                        command("commands", n);
                        command("coap_commands", n);
                    }
                    if (n % 10 == 5) {
                        hazelcast.getReliableTopic("commands").publish(new HazelcastJsonValue("{\"command_id\": \"h-"
                                + n + "\", \"device_id\": \"dev-" + n % 3 + "\", \"action\": \"ping\"}"));
                    }
                    if (n % 10 == 0 && edge.isConnected()) {
                        edge.publish("spBv1.0/plant/NDATA/edge9", FlowsIT.sparkplug((n / 10 * 2) % 256,
                                FlowsIT.sparkplugMetric(null, 99L, MetricDataType.Double, 1.0 * n)), 0, false);
                    }
                } catch (MqttException e) {
                    // the broker restarts during the test: readings are lost then, which is what it checks
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        /** Subscribes to the commands after each (re)connection, and sends the answers waiting. */
        private void answer() throws MqttException {
            if (!edge.isConnected()) {
                return;
            }
            if (subscribed.compareAndSet(false, true)) {
                edge.subscribe("devices/+/cmd", 1);
            }
            for (String[] answer = answers.poll(); answer != null; answer = answers.poll()) {
                edge.publish(answer[0], answer[1].getBytes(StandardCharsets.UTF_8), 1, false);
            }
        }

        /** A device's answer to each command it gets: its command id and a result, on its response topic. */
        private final class Answering implements MqttCallbackExtended {

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                subscribed.set(false); // a restarted broker forgot the subscription
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                try {
                    String commandId = ConnectCluster.JSON.readTree(message.getPayload()).path("command_id").asText();
                    if (!answers.offer(new String[] {topic + "/response", "{\"command_id\": \"" + commandId
                            + "\", \"result\": \"done\", \"received_at\": " + System.currentTimeMillis() + "}"})) {
                        failure.compareAndSet(null, new IllegalStateException("answers waiting: " + answers.size()));
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                // automatic reconnection; connectComplete subscribes again
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 answers: nothing to do once delivered
            }
        }

        private void command(String topic, long n) {
            long id = n / 3;
            String value;
            if (id % 12 == 5) {
                value = "{\"command_id\": \"c-" + id + "\", \"action\": \"reboot\"}"; // no device id: a dead letter
            } else if (id % 12 == 11) {
                value = null; // a tombstone, which a statement that does not retain skips
            } else {
                value = "{\"command_id\": \"c-" + id + "\", \"device_id\": \"dev-" + id % 3
                        + "\", \"action\": \"interval\", \"value\": 5}";
            }
            producer.send(new ProducerRecord<>(topic, "dev-" + id % 3, value));
        }

        Exception failure() {
            return failure.get();
        }

        @Override
        public void close() throws Exception {
            ticker.shutdownNow();
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            producer.close();
            if (edge.isConnected()) {
                edge.disconnect();
            }
            edge.close();
        }
    }
}
