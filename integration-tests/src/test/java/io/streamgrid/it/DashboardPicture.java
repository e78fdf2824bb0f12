package io.streamgrid.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard drawn from a real Prometheus's answers to its own queries: a static page (Grafana cannot be
 * installed here) and its screenshot by headless Chromium, the picture docs/monitoring.md shows.
 */
final class DashboardPicture {

    static final Path CHROMIUM = Path.of(System.getProperty("streamgrid.chromium", "/usr/bin/chromium"));
    static final int WIDTH = 1600;
    private static final int ROW_PIXELS = 30;
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    private DashboardPicture() {
    }

    /**
     * The page: each panel with the series Prometheus returns for its queries between {@code from} and {@code to}.
     * Returns the number of panels that got data, besides writing the page.
     */
    static int writePage(GrafanaDashboard dashboard, PrometheusServer prometheus, Instant from, Instant to,
                         String subtitle, Path html) throws IOException {
        ObjectNode data = ConnectCluster.JSON.createObjectNode();
        data.put("title", dashboard.json().path("title").asText()).put("subtitle", subtitle)
                .put("from", from.getEpochSecond()).put("to", to.getEpochSecond());
        ArrayNode panels = data.putArray("panels");
        int withData = 0;
        for (JsonNode panel : dashboard.panels()) {
            ObjectNode drawn = panels.addObject();
            drawn.put("type", panel.path("type").asText()).put("title", panel.path("title").asText())
                    .put("unit", panel.path("fieldConfig").path("defaults").path("unit").asText("short"))
                    .set("gridPos", panel.path("gridPos"));
            ArrayNode series = drawn.putArray("series");
            for (JsonNode target : panel.path("targets")) {
                JsonNode result = prometheus.queryRange(GrafanaDashboard.concrete(target.path("expr").asText()), from,
                        to, Duration.ofSeconds(1)).path("result");
                for (JsonNode one : result) {
                    ObjectNode line = series.addObject();
                    line.put("name", legend(target.path("legendFormat").asText(), one.path("metric")));
                    ArrayNode points = line.putArray("points");
                    for (JsonNode value : one.path("values")) {
                        points.addArray().add(value.get(0).asDouble()).add(number(value.get(1).asText()));
                    }
                }
            }
            if (!series.isEmpty()) {
                withData++;
            }
        }
        String template;
        try (InputStream in = DashboardPicture.class.getResourceAsStream("/dashboard-picture.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(html, template.replace("/*DATA*/", data.toString()));
        return withData;
    }

    /** JSON has no NaN: points without a value are null, drawn as gaps. */
    private static Double number(String value) {
        double parsed = Double.parseDouble(value);
        return Double.isFinite(parsed) ? parsed : null;
    }

    private static String legend(String format, JsonNode labels) {
        if (format.isEmpty()) {
            return labels.toString();
        }
        Matcher label = LEGEND_LABEL.matcher(format);
        StringBuilder name = new StringBuilder();
        while (label.find()) {
            label.appendReplacement(name, Matcher.quoteReplacement(labels.path(label.group(1)).asText()));
        }
        return label.appendTail(name).toString();
    }

    /** The page's height in pixels: Grafana's 30 px per grid row, and the header. */
    static int height(GrafanaDashboard dashboard) {
        int rows = 0;
        for (JsonNode panel : dashboard.panels()) {
            rows = Math.max(rows, panel.path("gridPos").path("y").asInt() + panel.path("gridPos").path("h").asInt());
        }
        return rows * ROW_PIXELS + 50;
    }

    /** Headless Chromium's screenshot of the page; it reaches nothing outside (the page is self-contained). */
    static void screenshot(Path html, Path png, int height, Path profile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=" + WIDTH + "," + height, "--screenshot=" + png, html.toUri().toString()));
        Process chromium = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IllegalStateException("Chromium took more than 2 minutes for " + html);
        }
        if (chromium.exitValue() != 0 || !Files.isRegularFile(png)) {
            throw new IllegalStateException("Chromium did not write " + png + ": "
                    + Files.readString(profile.resolveSibling("chromium.log")));
        }
    }
}
