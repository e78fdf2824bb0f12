package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs after package (the simulators' class path is laid out then). There is no Docker engine on our machines, so docker-compose.yml is checked as far as it can be: it parses, every
 * service has an image, every service it depends on exists, every file it mounts exists (after the build), and it
 * mounts the packaged plugins on Connect's plugin.path.
 */
class DockerComposeIT {

    private static final Path ROOT = ConnectCluster.EXAMPLES.getParent();

    @Test
    void composeFileIsConsistent() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("kafka", "schema-registry", "connect", "hazelcast", "mosquitto", "coap-sensors",
                "mqtt-devices", "post-configs");
        for (String name : names) {
            JsonNode service = services.get(name);
            assertThat(service.path("image").asText()).as(name + " has an image").isNotEmpty();
            for (JsonNode dependency : service.path("depends_on")) {
                assertThat(names).as(name + " depends on a service that exists").contains(dependency.asText());
            }
            for (JsonNode volume : service.path("volumes")) {
                String host = volume.asText().split(":")[0];
                assertThat(ROOT.resolve(host)).as(name + " mounts " + host).exists();
            }
        }
        JsonNode connect = services.get("connect");
        assertThat(connect.get("environment").get("CONNECT_PLUGIN_PATH").asText()).contains("/usr/share/streamgrid-plugins");
        assertThat(connect.get("volumes").get(0).asText()).startsWith("./target/plugins:/usr/share/streamgrid-plugins");
        assertThat(connect.get("environment").get("CONNECT_VALUE_CONVERTER").asText())
                .isEqualTo("io.confluent.connect.avro.AvroConverter");
        String post = Files.readString(ROOT.resolve("docker/post-configs.sh"));
        for (String example : List.of("coap-source", "hazelcast-sink-coap", "mqtt-source", "hazelcast-sink-mqtt")) {
            assertThat(post).contains(example);
            assertThat(ROOT.resolve("config-examples/" + example + ".json")).exists();
        }
        assertThat(ROOT.resolve("demo/target/simulators/lib")).isDirectoryContaining("glob:**/demo-*.jar");
    }
}
