package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.it.KcqlExamples.CheckerRun;
import io.streamgrid.it.KcqlExamples.OurConnector;
import io.streamgrid.it.KcqlExamples.Example;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.isolation.PluginClassLoader;
import org.apache.kafka.connect.runtime.isolation.PluginUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every KCQL example in README.md, docs/ and config-examples/ (found as {@link KcqlExamples} says) is taken by its
 * connector's own validation: the ConfigDef that the connector's {@code validate} checks the {@code kcql} key with,
 * from the packaged plugin loaded in Connect's own plugin class loader, as a worker loads it. Only that part of
 * validate runs: the part after it asks the broker, the server or the cluster, which a docs check does not need.
 * Every KCQL checker command the docs show is run with the packaged jar, and prints what the docs show.
 */
class DocsKcqlExamplesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SCHEMA_FILE = Pattern.compile("('schema\\.file'\\s*=\\s*')[^']*'");
    private static KcqlExamples found;
    private static final Map<OurConnector, PluginClassLoader> LOADERS = new EnumMap<>(OurConnector.class);

    private static synchronized KcqlExamples found() {
        if (found == null) {
            try {
                found = KcqlExamples.ofProject(ROOT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    static Stream<Example> examples() {
        return found().examples.stream();
    }

    static Stream<CheckerRun> checkerRuns() {
        return found().checkerRuns.stream();
    }

    @AfterAll
    static void closeLoaders() throws IOException {
        for (PluginClassLoader loader : LOADERS.values()) {
            loader.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void theConnectorTakesTheExample(Example example) throws Exception {
        List<String> refusals = new ArrayList<>();
        String kcql = withWorkerFiles(example.kcql());
        for (OurConnector connector : example.connectors()) {
            List<ConfigValue> values = configDef(connector).validate(Map.of(connector.kcqlKey, kcql));
            values.stream().filter(v -> v.name().equals(connector.kcqlKey)).findFirst().orElseThrow()
                    .errorMessages().forEach(error -> refusals.add(connector.title + ": " + error));
        }
        assertThat(refusals).as(example.place() + " shows KCQL its connector refuses:%n%s", example.kcql()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkerRuns")
    void theCheckerCommandDoesWhatTheDocsShow(CheckerRun run) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", checkerJar().toString()));
        command.addAll(run.args());
        Path out = Files.createTempFile("kcql-check", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            process.getOutputStream().write(run.stdin() == null ? new byte[0]
                    : run.stdin().getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(out);
            if (run.shownOutput().isEmpty()) {
                assertThat(process.exitValue()).as(run.place() + " prints:%n%s", printed).isZero();
            } else {
                assertThat(printed.lines().toList()).as(run.place() + ": what the docs show").isEqualTo(run.shownOutput());
                assertThat(process.exitValue()).as("exit code").isEqualTo(
                        run.shownOutput().get(0).startsWith("KCQL error") ? 1 : 0);
            }
        } finally {
            Files.delete(out);
        }
    }

    /**
     * The statement with each schema file it names ({@code 'schema.file' = '/etc/schemas/reading.avsc'}) replaced by
     * one that exists, as it does on the worker the example is written for: the MQTT source reads it when validating.
     */
    private static String withWorkerFiles(String kcql) throws IOException {
        Matcher file = SCHEMA_FILE.matcher(kcql);
        StringBuilder replaced = new StringBuilder();
        while (file.find()) {
            Path schema = Files.createTempFile("example-schema", ".avsc");
            schema.toFile().deleteOnExit();
            Files.writeString(schema, "{\"type\": \"record\", \"name\": \"Reading\", \"fields\": "
                    + "[{\"name\": \"temperature\", \"type\": \"double\"}]}");
            file.appendReplacement(replaced, Matcher.quoteReplacement(file.group(1) + schema + "'"));
        }
        file.appendTail(replaced);
        return replaced.toString();
    }

    /** So that a change to the extraction cannot make the examples silently disappear. */
    @Test
    void everyPageAndConfigWithKcqlGivesExamples() {
        Map<String, Long> counts = found().countsByFile();
        assertThat(counts.keySet()).contains("README.md", "docs/kcql.md", "docs/hazelcast-sink.md",
                "docs/mqtt-source.md", "docs/coap-source.md", "config-examples/coap-source.properties",
                "config-examples/coap-source.json", "config-examples/hazelcast-sink-mqtt.properties",
                "config-examples/mqtt-source-sparkplug.json", "docs/mqtt-sink.md", "config-examples/mqtt-sink.json",
                "docs/hazelcast-source.md", "config-examples/hazelcast-source.json", "docs/coap-sink.md",
                "config-examples/coap-sink.json", "config-examples/coap-sink.properties", "docs/coap-source-client.md",
                "docs/coap-source-server.md", "config-examples/coap-source-server.json");
        assertThat(counts.get("docs/kcql.md")).isGreaterThanOrEqualTo(8);
        assertThat(found().examples).as("examples for each connector")
                .anyMatch(e -> e.connectors().equals(Set.of(OurConnector.SINK)))
                .anyMatch(e -> e.connectors().equals(Set.of(OurConnector.MQTT)))
                .anyMatch(e -> e.connectors().equals(Set.of(OurConnector.COAP)))
                .anyMatch(e -> e.connectors().equals(Set.of(OurConnector.MQTT_SINK)))
                .anyMatch(e -> e.connectors().equals(Set.of(OurConnector.COAP_SINK)));
        assertThat(found().checkerRuns).as("KCQL checker commands in docs/kcql.md").hasSizeGreaterThanOrEqualTo(3);
    }

    /** The ConfigDef a packaged connector validates its config with. */
    private static synchronized ConfigDef configDef(OurConnector connector) throws Exception {
        PluginClassLoader loader = LOADERS.get(connector);
        if (loader == null) {
            Path plugin = plugin(connector.module);
            URL[] urls = PluginUtils.pluginUrls(plugin).stream().map(DocsKcqlExamplesTest::url).toArray(URL[]::new);
            loader = new PluginClassLoader(plugin.toUri().toURL(), urls, DocsKcqlExamplesTest.class.getClassLoader());
            LOADERS.put(connector, loader);
        }
        Connector instance = (Connector) loader.loadClass(connector.connectorClass).getDeclaredConstructor()
                .newInstance();
        assertThat(instance.getClass().getClassLoader()).as("loaded from the packaged plugin").isSameAs(loader);
        return instance.config();
    }

    private static Path plugin(String module) throws IOException {
        try (Stream<Path> plugins = Files.list(ConnectCluster.PLUGINS)) {
            List<Path> dirs = plugins.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().startsWith("streamgrid-" + module + "-")).toList();
            assertThat(dirs).as("the packaged " + module + " plugin in " + ConnectCluster.PLUGINS
                    + " (mvn package makes it)").hasSize(1);
            return dirs.get(0);
        }
    }

    /** The KCQL checker as users have it: the kcql-parser jar in a plugin's lib/. */
    private static Path checkerJar() throws IOException {
        try (Stream<Path> lib = Files.list(plugin(OurConnector.MQTT.module).resolve("lib"))) {
            return lib.filter(p -> p.getFileName().toString().matches("kcql-parser-.*\\.jar")).findFirst()
                    .orElseThrow();
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
