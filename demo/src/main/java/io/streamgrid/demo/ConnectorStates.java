package io.streamgrid.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each connector's and task's state as the Connect REST API gives it ({@code GET /connectors?expand=status}), with
 * the first line of a failed one's trace: what an operator looks at when data stops arriving.
 */
final class ConnectorStates {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final URI statusUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code connectorsUrl}: the worker's {@code .../connectors} resource. */
    ConnectorStates(String connectorsUrl) {
        this.statusUrl = URI.create(connectorsUrl + "?expand=status");
    }

    /** The states now, by connector name; one entry saying why when the worker does not answer. */
    List<Snapshot.ConnectorState> read() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(statusUrl).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return unknown("HTTP " + response.statusCode() + " from " + statusUrl);
            }
            return parse(JSON.readTree(response.body()));
        } catch (IOException e) {
            return unknown(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown("interrupted");
        }
    }

    static List<Snapshot.ConnectorState> parse(JsonNode connectors) {
        List<Snapshot.ConnectorState> states = new ArrayList<>();
        for (Map.Entry<String, JsonNode> connector : connectors.properties()) {
            JsonNode status = connector.getValue().path("status");
            List<Snapshot.TaskState> tasks = new ArrayList<>();
            for (JsonNode task : status.path("tasks")) {
                tasks.add(new Snapshot.TaskState(task.path("id").asInt(), task.path("state").asText("UNKNOWN"),
                        firstLine(task.path("trace").asText(null))));
            }
            JsonNode state = status.path("connector");
            states.add(new Snapshot.ConnectorState(connector.getKey(), state.path("state").asText("UNKNOWN"),
                    firstLine(state.path("trace").asText(null)), tasks));
        }
        states.sort((a, b) -> a.name().compareTo(b.name()));
        return states;
    }

    private static List<Snapshot.ConnectorState> unknown(String why) {
        return List.of(new Snapshot.ConnectorState("(Connect REST API)", "UNREACHABLE", why, List.of()));
    }

    /** A trace's first line: the exception and its message. */
    private static String firstLine(String trace) {
        if (trace == null || trace.isBlank()) {
            return null;
        }
        int end = trace.indexOf('\n');
        return (end < 0 ? trace : trace.substring(0, end)).strip();
    }
}
