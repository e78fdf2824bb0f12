package io.streamgrid.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** deploy/monitoring/grafana-dashboard.json as Grafana reads it: its panels (rows unfolded) and their queries. */
record GrafanaDashboard(JsonNode json) {

    static final Path FILE = JmxExporterAgent.DEPLOY.resolve("monitoring").resolve("grafana-dashboard.json");
    /** What Grafana puts for $__rate_interval with a 1 s scrape interval and 1 s steps, rounded up. */
    static final String RATE_INTERVAL = "5s";
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)");

    static GrafanaDashboard read() {
        try {
            return new GrafanaDashboard(ConnectCluster.JSON.readTree(FILE.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel, those inside collapsed rows too, in the order of the file. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every PromQL expression the dashboard sends: panel queries and the template variables' metric queries. */
    List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        panels().forEach(panel -> panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText())));
        for (JsonNode variable : json.path("templating").path("list")) {
            Matcher metric = LABEL_VALUES.matcher(variable.path("definition").asText());
            if (metric.find()) {
                expressions.add(metric.group(1));
            }
        }
        return expressions;
    }

    /** An expression as Grafana sends it with every connector chosen. */
    static String concrete(String expr) {
        return expr.replace("$connector", ".*").replace("$__rate_interval", RATE_INTERVAL);
    }
}
