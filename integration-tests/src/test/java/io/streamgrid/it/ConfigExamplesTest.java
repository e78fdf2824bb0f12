package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each example's REST body says exactly what its .properties file says. */
class ConfigExamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"coap-source", "hazelcast-sink-coap", "mqtt-source", "hazelcast-sink-mqtt",
            "mqtt-source-sparkplug", "mqtt-source-mqtt5", "mqtt-sink", "hazelcast-source", "coap-sink",
            "mqtt-source-command-responses", "hazelcast-sink-command-status", "coap-source-server"})
    void jsonAndPropertiesAgree(String name) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ConnectCluster.EXAMPLES.resolve(name + ".properties"))) {
            properties.load(reader);
        }
        JsonNode body = ConnectCluster.JSON.readTree(ConnectCluster.EXAMPLES.resolve(name + ".json").toFile());
        assertThat(body.get("name").asText()).isEqualTo(properties.getProperty("name"));
        Map<String, String> expected = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().filter(k -> !k.equals("name"))
                .forEach(k -> expected.put(k, properties.getProperty(k)));
        assertThat(ConnectCluster.asMap(body.get("config"))).isEqualTo(expected);
    }
}
