package io.streamgrid.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus server (Debian's package, which .ci/run installs) started from deploy/monitoring/prometheus.yml
 * with our alert rules, scraping the given targets every second; queried over its HTTP API as Grafana queries it.
 */
final class PrometheusServer implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("streamgrid.prometheus", "/usr/bin/prometheus"));
    static final Path PROMTOOL = Path.of(System.getProperty("streamgrid.promtool", "/usr/bin/promtool"));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port = ConnectCluster.freePort();
    private final ServerProcess process;

    private PrometheusServer(Path dir, List<String> targets) throws IOException {
        Path monitoring = JmxExporterAgent.DEPLOY.resolve("monitoring");
        ObjectNode config = (ObjectNode) YAML.readTree(monitoring.resolve("prometheus.yml").toFile());
        ObjectNode global = (ObjectNode) config.get("global");
        global.put("scrape_interval", "1s").put("evaluation_interval", "1s");
        ArrayNode rules = config.putArray("rule_files");
        rules.add(monitoring.resolve("alerts.yaml").toString());
        ArrayNode staticTargets = ((ObjectNode) config.get("scrape_configs").get(0).get("static_configs").get(0))
                .putArray("targets");
        targets.forEach(staticTargets::add);
        Path file = dir.resolve("prometheus.yml");
        YAML.writeValue(file.toFile(), config);
        process = ServerProcess.start("Prometheus", List.of(BINARY.toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prometheus-data")),
                "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log"), port,
                Duration.ofSeconds(30));
        org.awaitility.Awaitility.await("Prometheus ready").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get("/-/ready").statusCode() == 200);
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    static boolean promtoolInstalled() {
        return Files.isExecutable(PROMTOOL);
    }

    /** Prometheus scraping {@code targets} ({@code host:port}) every second; its files in {@code dir}. */
    static PrometheusServer start(Path dir, List<String> targets) {
        try {
            return new PrometheusServer(dir, targets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /api/v1/query: the expression's value now; fails with Prometheus's error when it cannot evaluate it. */
    JsonNode query(String expr) {
        return api("/api/v1/query?query=" + encode(expr));
    }

    /** GET /api/v1/query_range, as a Grafana panel asks for its series. */
    JsonNode queryRange(String expr, Instant start, Instant end, Duration step) {
        return api("/api/v1/query_range?query=" + encode(expr) + "&start=" + start.getEpochSecond() + "&end="
                + end.getEpochSecond() + "&step=" + step.toSeconds());
    }

    /** GET /api/v1/rules: the rule groups as Prometheus loaded and evaluates them. */
    JsonNode rules() {
        return api("/api/v1/rules");
    }

    /** GET /api/v1/targets: whether each scrape works. */
    JsonNode targets() {
        return api("/api/v1/targets");
    }

    private JsonNode api(String pathAndQuery) {
        HttpResponse<String> response = get(pathAndQuery);
        try {
            JsonNode body = ConnectCluster.JSON.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("Prometheus " + pathAndQuery + ": " + response.body());
            }
            return body.get("data");
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus " + pathAndQuery + ": " + response.body(), e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Runs promtool with the arguments in {@code dir}; returns its output; fails with it if promtool fails. */
    static String promtool(File dir, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new AssertionError("promtool " + String.join(" ", args) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
