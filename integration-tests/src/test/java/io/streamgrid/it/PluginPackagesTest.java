package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each packaged plugin is ready to publish: no jar of what kcql-parser relocates, its own docs, every bundled
 * third-party jar named with its license and its license files carried, sample configs, and a complete manifest.
 */
class PluginPackagesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Map<String, String> PAGES = Map.of("connect-hazelcast-sink", "hazelcast-sink",
            "connect-mqtt-source", "mqtt-source", "connect-coap-source", "coap-source");

    @ParameterizedTest
    @ValueSource(strings = {"connect-hazelcast-sink", "connect-mqtt-source", "connect-coap-source"})
    void pluginIsReadyToPublish(String module) throws IOException {
        String version = projectVersion();
        Path plugin = ROOT.resolve("target/plugins/streamgrid-" + module + "-" + version);
        assertThat(plugin).as("mvn package lays the plugin out").isDirectory();
        assertThat(ROOT.resolve("target/plugins/streamgrid-" + module + "-" + version + ".zip")).isRegularFile();

        List<String> jars;
        try (Stream<Path> lib = Files.list(plugin.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).as("kcql-parser carries ANTLR relocated").noneMatch(jar -> jar.startsWith("antlr4-runtime"))
                .contains(module + "-" + version + ".jar", "kcql-parser-" + version + ".jar");

        String thirdParty = Files.readString(plugin.resolve("doc/THIRD-PARTY.txt"));
        for (String jar : jars) {
            if (jar.endsWith("-" + version + ".jar") && (jar.startsWith("connect-") || jar.startsWith("kcql-parser"))) {
                continue; // ours
            }
            Matcher nameAndVersion = Pattern.compile("(.+)-(\\d[^-]*)\\.jar").matcher(jar);
            assertThat(nameAndVersion.matches()).as(jar).isTrue();
            assertThat(thirdParty).as(jar + " is listed with its license in doc/THIRD-PARTY.txt")
                    .containsPattern("\\(.+\\) .*\\(" + Pattern.quote(groupOf(thirdParty, nameAndVersion.group(1)))
                            + ":" + Pattern.quote(nameAndVersion.group(1)) + ":" + Pattern.quote(nameAndVersion.group(2)));
        }
        try (Stream<Path> licenses = Files.walk(plugin.resolve("doc/licenses"))) {
            assertThat(licenses.filter(Files::isRegularFile).count()).as("license files the jars carry").isPositive();
        }
        assertThat(plugin.resolve("doc/LICENSE")).isRegularFile();
        assertThat(plugin.resolve("doc/" + PAGES.get(module) + ".md")).isRegularFile();
        assertThat(plugin.resolve("doc/" + PAGES.get(module) + "-config.md")).isRegularFile();
        try (Stream<Path> etc = Files.list(plugin.resolve("etc"))) {
            assertThat(etc.map(p -> p.getFileName().toString()).toList()).as("sample configs")
                    .anyMatch(name -> name.endsWith(".json")).anyMatch(name -> name.endsWith(".properties"))
                    .allMatch(name -> name.startsWith(PAGES.get(module)));
        }

        JsonNode manifest = new ObjectMapper().readTree(plugin.resolve("manifest.json").toFile());
        assertThat(manifest.path("version").asText()).isEqualTo(version);
        assertThat(manifest.path("release_date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(plugin.resolve(manifest.path("documentation_url").asText())).isRegularFile();
        assertThat(plugin.resolve(manifest.path("logo").asText())).isRegularFile();
        assertThat(plugin.resolve(manifest.path("support").path("logo").asText())).isRegularFile();
        assertThat(manifest.path("source_url").asText()).isNotBlank();
        assertThat(manifest.path("support").path("provider_name").asText()).isNotBlank();
        assertThat(manifest.path("requirements").size()).isGreaterThanOrEqualTo(3);
        assertThat(manifest.path("features").path("delivery_guarantee").get(0).asText()).isEqualTo("at_least_once");
    }

    /** THIRD-PARTY.txt lines read "(License) Name (group:artifact:version - url)". */
    private static String groupOf(String thirdParty, String artifact) {
        Matcher line = Pattern.compile("\\(([^():\\s]+):" + Pattern.quote(artifact) + ":").matcher(thirdParty);
        return line.find() ? line.group(1) : "?";
    }

    private static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>streamgrid-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
