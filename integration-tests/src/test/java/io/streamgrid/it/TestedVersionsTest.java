package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The plugins' manifests and README name exactly the Kafka and Hazelcast releases the matrix tests. */
class TestedVersionsTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void manifestsAndReadmeNameTheReleasesTheMatrixRuns() throws IOException {
        String pom = Files.readString(ROOT.resolve("compat-workers/pom.xml"));
        List<String> kafka = List.of(version(pom, "kafka-3.7"), version(pom, "kafka-3.9"), version(pom, "kafka-4.0"),
                version(pom, "kafka-4.3"));
        String tested = "tested: " + String.join(", ", kafka);
        String hazelcast = version(pom, "hazelcast-5.3");
        for (String plugin : List.of("connect-hazelcast-sink", "connect-mqtt-source", "connect-coap-source")) {
            assertThat(Files.readString(ROOT.resolve(plugin).resolve("src/plugin/manifest.json")))
                    .as(plugin + " manifest").contains(tested);
        }
        assertThat(Files.readString(ROOT.resolve("connect-hazelcast-sink/src/plugin/manifest.json")))
                .contains("members " + hazelcast + " and 5.7.0");
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains("**" + String.join(", ", kafka.subList(0, 3)) + ", " + kafka.get(3) + "**")
                .contains("**" + hazelcast + "**");
    }

    private static String version(String pom, String line) {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(line) + "\\.version>([^<]+)<").matcher(pom);
        assertThat(matcher.find()).as(line + " version in compat-workers/pom.xml").isTrue();
        return matcher.group(1);
    }
}
