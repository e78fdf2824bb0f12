package io.streamgrid.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Apicurio Registry 3.0.9 (from Maven Central, unpacked by the build) as a local process, in memory. Its log
 * and Vert.x's file cache go into a directory of its own, removed by {@link #close()}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of(System.getProperty("streamgrid.apicurio.jar", "../target/apicurio-registry/"
            + "apicurio-registry-app-3.0.9-runner.jar")).toAbsolutePath();

    private final int port;
    private final Process process;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    public ApicurioRegistry() throws IOException, InterruptedException {
        this(Loopback.freeTcpPort());
    }

    public ApicurioRegistry(int port) throws IOException, InterruptedException {
        this.port = port;
        dir = Files.createTempDirectory("apicurio");
        Path log = dir.resolve("apicurio.log");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + dir, "-Dvertx.cacheDirBase=" + dir.resolve("vertx-cache"),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", JAR.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (get("/apis/ccompat/v7/subjects").isArray()) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(250);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("Apicurio Registry did not start; see " + log);
    }

    /** The URL Apicurio's 2.x serdes and converter talk to. */
    public String v2Url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** The raw content (an Avro schema) registered under a global id. */
    public String schema(long globalId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(v2Url() + "/ids/globalIds/" + globalId))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("no schema with global id " + globalId + ": " + response.statusCode());
        }
        return response.body();
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /** The settings that make a connector's values Avro through Apicurio's converter and this registry. */
    public Map<String, String> avroValueConverter() {
        return Map.of("value.converter", "io.apicurio.registry.utils.converter.AvroConverter",
                "value.converter.apicurio.registry.url", v2Url(),
                "value.converter.apicurio.registry.auto-register", "true",
                "value.converter.apicurio.registry.find-latest", "true");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        TempFiles.deleteQuietly(dir);
    }
}
