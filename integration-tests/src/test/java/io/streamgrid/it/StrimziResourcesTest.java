package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.build.Artifact;
import io.strimzi.api.kafka.model.connect.build.Plugin;
import io.strimzi.api.kafka.model.connect.build.ZipArtifact;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/strimzi as the Strimzi operator (its own model classes, io.strimzi:api) and Kubernetes read it: no field
 * either does not know, a KafkaConnect that builds every plugin from its release zip with the SHA-512 the release
 * writes, a KafkaConnector for every config example saying what the example says, and no password in plain text.
 */
class StrimziResourcesTest {

    static final Path STRIMZI = JmxExporterAgent.DEPLOY.resolve("strimzi");
    private static final Path ROOT = JmxExporterAgent.DEPLOY.getParent();
    private static final Pattern SECRET_REFERENCE = Pattern.compile("\\$\\{secrets:([^/}]+)/([^:}]+):[^}]+}");
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret).*");

    static Stream<Path> files() throws IOException {
        try (Stream<Path> files = Files.walk(STRIMZI)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).as("YAML in " + STRIMZI).isNotEmpty();
            return yaml.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyFieldIsOneStrimziOrKubernetesKnows(Path file) throws IOException {
        List<StrimziResources.Resource> resources = StrimziResources.read(file);
        assertThat(resources).as(file + " documents").isNotEmpty();
        for (StrimziResources.Resource resource : resources) {
            assertThat(StrimziResources.unknownFields(resource.model())).as("fields of " + resource.source()
                    + " that " + resource.model().getClass().getSimpleName() + " does not have").isEmpty();
        }
    }

    @Test
    void aMisspeltFieldOrArtifactTypeIsFound(@TempDir Path dir) throws IOException {
        Path misspelt = Files.writeString(dir.resolve("misspelt.yaml"), String.join("\n",
                "apiVersion: kafka.strimzi.io/v1beta2",
                "kind: KafkaConnect",
                "metadata: {name: streamgrid}",
                "spec:",
                "  replica: 3",
                "  bootstrapServers: kafka:9092",
                "  build:",
                "    output: {type: docker, image: example/connect}",
                "    plugins:",
                "      - name: p",
                "        artifacts: [{type: zip, url: 'https://example.org/p.zip', sha512: abc}]", ""));
        assertThat(StrimziResources.unknownFields(StrimziResources.read(misspelt).get(0).model()))
                .containsExactlyInAnyOrder("spec: [replica]", "spec.build.plugins[0].artifacts[0]: [sha512]");
        Path wrongType = Files.writeString(dir.resolve("type.yaml"), Files.readString(misspelt)
                .replace("type: zip", "type: zipp"));
        assertThatThrownBy(() -> StrimziResources.read(wrongType)).hasMessageContaining("zipp");
    }

    @Test
    void theKafkaConnectBuildsEveryPluginFromItsReleaseZipWithItsSha512() throws IOException {
        KafkaConnect connect = kafkaConnect();
        List<String> expected = connectorModules().stream().map(m -> "streamgrid-" + m).toList();
        List<Plugin> plugins = connect.getSpec().getBuild().getPlugins();
        assertThat(plugins).extracting(Plugin::getName).containsExactlyInAnyOrderElementsOf(expected);
        for (Plugin plugin : plugins) {
            String module = plugin.getName().substring("streamgrid-".length());
            assertThat(plugin.getArtifacts()).as(plugin.getName()).hasSize(1);
            Artifact artifact = plugin.getArtifacts().get(0);
            assertThat(artifact).as(plugin.getName() + ": the release zip").isInstanceOf(ZipArtifact.class);
            ZipArtifact zip = (ZipArtifact) artifact;
            assertThat(zip.getUrl()).isEqualTo("@RELEASE_DOWNLOAD_URL@/streamgrid-" + module + "-@VERSION@.zip");
            assertThat(zip.getSha512sum()).as("filled in by the release from the .sha512 it writes")
                    .isEqualTo("@SHA512_" + module.toUpperCase(Locale.ROOT).replace('-', '_') + "@");
        }
        assertThat(connect.getSpec().getConfig()).containsEntry("config.providers.secrets.class",
                "io.strimzi.kafka.KubernetesSecretConfigProvider");
        assertThat(connect.getSpec().getMetricsConfig()).isInstanceOf(JmxPrometheusExporterMetrics.class);
        assertThat(((JmxPrometheusExporterMetrics) connect.getSpec().getMetricsConfig()).getValueFrom()
                .getConfigMapKeyRef().getKey()).as("the exporter's rules, from deploy/monitoring")
                .isEqualTo(JmxExporterAgent.RULES.getFileName().toString());
    }

    @Test
    void aKafkaConnectorForEveryConfigExampleSayingWhatItSays() throws IOException {
        KafkaConnect connect = kafkaConnect();
        Set<String> examples = new TreeSet<>();
        try (Stream<Path> files = Files.list(ConnectCluster.EXAMPLES)) {
            files.filter(f -> f.toString().endsWith(".json")).forEach(f ->
                    examples.add(f.getFileName().toString().replace(".json", "")));
        }
        Set<String> connectors = new TreeSet<>();
        try (Stream<Path> files = Files.list(STRIMZI.resolve("connectors"))) {
            files.forEach(f -> connectors.add(f.getFileName().toString().replace(".yaml", "")));
        }
        assertThat(connectors).as("deploy/strimzi/connectors/<example>.yaml for each config-examples/<example>.json")
                .isEqualTo(examples);
        for (String name : examples) {
            JsonNode example = ConnectCluster.JSON.readTree(ConnectCluster.EXAMPLES.resolve(name + ".json").toFile());
            Map<String, String> config = ConnectCluster.asMap(example.get("config"));
            KafkaConnector connector = connector(name);
            assertThat(connector.getMetadata().getName()).isEqualTo(example.get("name").asText());
            assertThat(connector.getMetadata().getNamespace()).isEqualTo(connect.getMetadata().getNamespace());
            assertThat(connector.getMetadata().getLabels()).as(name + " belongs to the KafkaConnect")
                    .containsEntry("strimzi.io/cluster", connect.getMetadata().getName());
            assertThat(connector.getSpec().getClassName()).isEqualTo(config.remove("connector.class"));
            assertThat(connector.getSpec().getTasksMax()).isEqualTo(Integer.valueOf(config.remove("tasks.max")));
            Map<String, Object> settings = connector.getSpec().getConfig();
            config.forEach((key, value) -> {
                assertThat(settings).as(name + " " + key).containsKey(key);
                String theirs = String.valueOf(settings.get(key));
                if (value.contains("localhost")) {
                    assertThat(theirs).as(name + " " + key + ": a server in the cluster").doesNotContain("localhost");
                } else {
                    assertThat(theirs).as(name + " " + key).isEqualTo(value);
                }
            });
        }
    }

    @Test
    void passwordsOnlyAsSecretsTheWorkersMayRead() throws IOException {
        KafkaConnect connect = kafkaConnect();
        Role role = (Role) StrimziResources.read(STRIMZI.resolve("rbac.yaml")).stream()
                .map(StrimziResources.Resource::model).filter(Role.class::isInstance).findFirst().orElseThrow();
        Set<String> readable = new TreeSet<>(role.getRules().get(0).getResourceNames());
        List<String> references = new ArrayList<>();
        try (Stream<Path> files = Files.list(STRIMZI.resolve("connectors"))) {
            for (Path file : files.sorted().toList()) {
                KafkaConnector connector = connector(file.getFileName().toString().replace(".yaml", ""));
                connector.getSpec().getConfig().forEach((key, value) -> {
                    Matcher reference = SECRET_REFERENCE.matcher(String.valueOf(value));
                    if (SECRET_KEY.matcher(key).matches()) {
                        assertThat(reference.matches()).as(file.getFileName() + " " + key + " = " + value
                                + ": a password comes from a Secret, ${secrets:<namespace>/<secret>:<key>}").isTrue();
                    }
                    reference.reset();
                    while (reference.find()) {
                        references.add(file.getFileName() + " " + key);
                        assertThat(reference.group(1)).as(key + ": the Secret's namespace, the workers' own")
                                .isEqualTo(connect.getMetadata().getNamespace()).isEqualTo(role.getMetadata()
                                        .getNamespace());
                        assertThat(readable).as(key + ": rbac.yaml lets the workers read the Secret")
                                .contains(reference.group(2));
                    }
                });
            }
        }
        assertThat(references).as("connectors that take a password from a Secret").isNotEmpty();
    }

    private static KafkaConnect kafkaConnect() throws IOException {
        return (KafkaConnect) StrimziResources.read(STRIMZI.resolve("kafka-connect.yaml")).get(0).model();
    }

    private static KafkaConnector connector(String name) throws IOException {
        return (KafkaConnector) StrimziResources.read(STRIMZI.resolve("connectors").resolve(name + ".yaml")).get(0)
                .model();
    }

    /** The plugins the build packages: the modules named connect-* besides connect-common. */
    static List<String> connectorModules() throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher module = Pattern.compile("<module>(connect-[^<]+)</module>").matcher(
                Files.readString(ROOT.resolve("pom.xml")));
        while (module.find()) {
            if (!module.group(1).equals("connect-common")) {
                modules.add(module.group(1));
            }
        }
        return modules;
    }
}
