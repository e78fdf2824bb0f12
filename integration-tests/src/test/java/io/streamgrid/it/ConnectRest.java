package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A Connect worker's REST API, as a user drives it: POST a config, wait for the connector and its tasks. */
final class ConnectRest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ConnectRest() {
    }

    /** A connector body {@code {"name": ..., "config": {...}}}. */
    static ObjectNode connector(String name, Map<String, String> config) {
        ObjectNode body = ConnectCluster.JSON.createObjectNode();
        body.put("name", name);
        ObjectNode settings = body.putObject("config");
        config.forEach(settings::put);
        return body;
    }

    static void post(String restUrl, ObjectNode body) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(restUrl + "connectors"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
        assertThat(response.statusCode()).as("POST " + body.get("name") + ": " + response.body()).isEqualTo(201);
    }

    /** PUT connectors/&lt;name&gt;/pause or /resume: the worker stops or starts the connector's tasks. */
    static void put(String restUrl, String connector, String action) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(restUrl + "connectors/" + connector
                + "/" + action)).PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).as(action + " " + connector + ": " + response.body()).isEqualTo(202);
    }

    /** DELETE connectors/&lt;name&gt;: the connector and its tasks stop and are gone from the cluster. */
    static void delete(String restUrl, String connector) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(restUrl + "connectors/" + connector))
                .DELETE().build());
        assertThat(response.statusCode()).as("DELETE " + connector + ": " + response.body()).isIn(204, 404);
    }

    static JsonNode status(String restUrl, String connector) {
        try {
            return ConnectCluster.JSON.readTree(send(HttpRequest.newBuilder(URI.create(restUrl + "connectors/"
                    + connector + "/status")).build()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET connector-plugins: the connector classes the worker found on its plugin.path. */
    static JsonNode plugins(String restUrl) {
        try {
            return ConnectCluster.JSON.readTree(send(HttpRequest.newBuilder(URI.create(restUrl + "connector-plugins"))
                    .build()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the connector and its {@code tasks} tasks run; a failed task fails at once, with its trace. */
    static void awaitRunning(String restUrl, String connector, int tasks) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode status = status(restUrl, connector);
            for (JsonNode task : status.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new IllegalStateException("task " + task.path("id") + " of " + connector + " failed:\n"
                            + task.path("trace").asText());
                }
            }
            assertThat(status.path("connector").path("state").asText()).as(connector + ": " + status)
                    .isEqualTo("RUNNING");
            assertThat(status.path("tasks")).as(connector + ": " + status).hasSize(tasks)
                    .allMatch(t -> "RUNNING".equals(t.path("state").asText()));
        });
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
