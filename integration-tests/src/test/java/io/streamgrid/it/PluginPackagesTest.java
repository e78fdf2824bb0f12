package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each packaged plugin is ready to publish: no jar of what kcql-parser relocates, its own docs, every bundled
 * third-party jar named with its license and its license files carried, sample configs, and a complete manifest.
 */
class PluginPackagesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String EXPORTER_RULES = JmxExporterAgent.RULES.getFileName().toString();
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
        String memberJar = "streamgrid-hazelcast-member-" + version + ".jar";
        if (module.equals("connect-hazelcast-sink")) {
            assertThat(plugin.resolve("member").resolve(memberJar)).as("the jar for the members' class path")
                    .isRegularFile();
            assertThat(jars).as("the task's own copy of the member module's classes").contains(memberJar);
        } else {
            assertThat(plugin.resolve("member")).doesNotExist();
        }

        String thirdParty = Files.readString(plugin.resolve("doc/THIRD-PARTY.txt"));
        for (String jar : jars) {
            if (jar.endsWith("-" + version + ".jar") && (jar.startsWith("connect-") || jar.startsWith("kcql-parser")
                    || jar.startsWith("streamgrid-"))) {
                continue; // ours
            }
            Matcher nameAndVersion = Pattern.compile("(.+)-(\\d[^-]*)\\.jar").matcher(jar);
            assertThat(nameAndVersion.matches()).as(jar).isTrue();
            assertThat(thirdParty).as(jar + " is listed with its license in doc/THIRD-PARTY.txt")
                    .containsPattern("\\(.+\\) .*\\(" + Pattern.quote(groupOf(thirdParty, nameAndVersion.group(1)))
                            + ":" + Pattern.quote(nameAndVersion.group(1)) + ":" + Pattern.quote(nameAndVersion.group(2)));
        }
        assertThat(thirdParty).as("the ANTLR runtime, relocated inside kcql-parser, is named with its license")
                .containsPattern("\\(BSD-3-Clause\\) ANTLR 4 Runtime \\(org\\.antlr:antlr4-runtime:"
                        + Pattern.quote(pomProperty("antlr.version")) + " - .*\\) inside kcql-parser-"
                        + Pattern.quote(version) + "\\.jar, relocated to io\\.streamgrid\\.kcql\\.shaded\\.antlr");
        assertThat(plugin.resolve("doc/licenses/antlr4-runtime/LICENSE.txt")).isRegularFile();
        try (Stream<Path> licenses = Files.walk(plugin.resolve("doc/licenses"))) {
            assertThat(licenses.filter(Files::isRegularFile).count()).as("license files the jars carry").isPositive();
        }
        assertThat(plugin.resolve("doc/LICENSE")).isRegularFile();
        assertThat(plugin.resolve("doc/" + PAGES.get(module) + ".md")).isRegularFile();
        assertThat(plugin.resolve("doc/" + PAGES.get(module) + "-config.md")).isRegularFile();
        String technology = PAGES.get(module).substring(0, PAGES.get(module).indexOf('-') + 1); // a plugin's
        try (Stream<Path> etc = Files.list(plugin.resolve("etc"))) { // connectors share it: mqtt-source, mqtt-sink
            assertThat(etc.map(p -> p.getFileName().toString()).filter(name -> !name.equals(EXPORTER_RULES)).toList())
                    .as("sample configs").anyMatch(name -> name.endsWith(".json"))
                    .anyMatch(name -> name.endsWith(".properties")).allMatch(name -> name.startsWith(technology));
        }
        assertThat(plugin.resolve("etc").resolve(EXPORTER_RULES)).as("the Prometheus JMX exporter rules")
                .hasSameTextualContentAs(JmxExporterAgent.RULES);

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

    /**
     * A zip's pages are read where the zip is unpacked, without the repository: every relative link in them leads
     * to a file in the zip (and to a heading in it).
     */
    @ParameterizedTest
    @ValueSource(strings = {"connect-hazelcast-sink", "connect-mqtt-source", "connect-coap-source"})
    void everyLinkInTheZipsPagesLeadsIntoTheZip(String module) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipFile zip = new ZipFile(ROOT.resolve("target/plugins/streamgrid-" + module + "-" + projectVersion()
                + ".zip").toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        MarkdownLinks.Tree tree = new MarkdownLinks.Tree(
                path -> entries.containsKey(path) || entries.keySet().stream().anyMatch(e -> e.startsWith(path + "/")),
                path -> new String(entries.get(path), StandardCharsets.UTF_8));
        List<String> pages = entries.keySet().stream().filter(name -> name.endsWith(".md")).sorted().toList();
        assertThat(pages).as("the zip's pages").anyMatch(name -> name.endsWith("/doc/" + PAGES.get(module) + ".md"));
        List<String> broken = new ArrayList<>();
        for (String page : pages) {
            broken.addAll(MarkdownLinks.broken(tree, page));
        }
        assertThat(broken).as("links in the zip that lead out of it").isEmpty();
    }

    /** THIRD-PARTY.txt lines read "(License) Name (group:artifact:version - url)". */
    private static String groupOf(String thirdParty, String artifact) {
        Matcher line = Pattern.compile("\\(([^():\\s]+):" + Pattern.quote(artifact) + ":").matcher(thirdParty);
        return line.find() ? line.group(1) : "?";
    }

    private static String pomProperty(String name) throws IOException {
        Matcher value = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(
                Files.readString(ROOT.resolve("pom.xml")));
        assertThat(value.find()).as(name + " in pom.xml").isTrue();
        return value.group(1);
    }

    static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>streamgrid-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
