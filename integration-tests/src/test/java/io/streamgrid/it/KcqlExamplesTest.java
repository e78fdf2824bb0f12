package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.streamgrid.it.KcqlExamples.CheckerRun;
import io.streamgrid.it.KcqlExamples.Example;
import io.streamgrid.it.KcqlExamples.OurConnector;
import io.streamgrid.it.KcqlExamples.Skipped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link KcqlExamples} finds the KCQL of a page, and whose it is. */
class KcqlExamplesTest {

    @TempDir
    Path root;

    private KcqlExamples read(String name, String text) throws IOException {
        Path file = root.resolve(name);
        Files.writeString(file, text);
        KcqlExamples found = new KcqlExamples(root);
        found.read(file);
        return found;
    }

    @Test
    void fencedStatementsBelongToTheConnectorTheirCommentNamesElseToThePage() throws IOException {
        KcqlExamples found = read("mqtt-source.md", String.join("\n",
                "# MQTT", "", "```sql",
                "-- a comment that names no connector",
                "INSERT INTO a SELECT * FROM x/+",
                "-- Hazelcast sink: the latest value",
                "UPSERT INTO m SELECT * FROM a PK _key",
                "  STOREAS IMAP",
                "```", ""));
        assertThat(found.examples).containsExactly(
                new Example("mqtt-source.md:5", "INSERT INTO a SELECT * FROM x/+", Set.of(OurConnector.MQTT)),
                new Example("mqtt-source.md:7", "UPSERT INTO m SELECT * FROM a PK _key STOREAS IMAP",
                        Set.of(OurConnector.SINK)));
    }

    @Test
    void onAPageOfNoConnectorAStatementWithoutACommentIsEveryConnectorsButTheHazelcastSourcesAndTheCoapSinks()
            throws IOException {
        KcqlExamples found = read("migrating.md", "Write `INSERT INTO t SELECT * FROM s` as before.\n");
        assertThat(found.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(EnumSet.complementOf(EnumSet.of(OurConnector.HAZELCAST_SOURCE, OurConnector.COAP_SINK)));
    }

    @Test
    void theCoapSinksStatementsAreItsByCommentPageOrConnectorClassThoughItSharesTheSourcesKey() throws IOException {
        KcqlExamples comment = read("kcql.md", String.join("\n", "```sql",
                "-- CoAP sink: to each device", "INSERT INTO coap://h/a/${_key} SELECT * FROM c", "```"));
        assertThat(comment.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.COAP_SINK));
        KcqlExamples page = read("coap-sink.md", "Send `INSERT INTO coap://h/a/${_key} SELECT * FROM c`.\n");
        assertThat(page.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.COAP_SINK));
        KcqlExamples config = read("coap-sink.properties", String.join("\n",
                "connector.class=io.streamgrid.coap.sink.CoapSinkConnector",
                "connect.coap.kcql=INSERT INTO coap://h/a/${_key} SELECT * FROM c"));
        assertThat(config.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.COAP_SINK));
        KcqlExamples source = read("coap-source.properties", "connect.coap.kcql=INSERT INTO t SELECT * FROM sensors");
        assertThat(source.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.COAP));
    }

    @Test
    void theHazelcastSourcesStatementsAreItsByCommentPageOrConnectorClassThoughItSharesTheSinksKey()
            throws IOException {
        KcqlExamples comment = read("kcql.md", String.join("\n", "```sql",
                "-- Hazelcast source: a map's changes",
                "INSERT INTO changes SELECT * FROM m WITHTYPE MAP_JOURNAL", "```", ""));
        assertThat(comment.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.HAZELCAST_SOURCE));
        KcqlExamples page = read("hazelcast-source.md", "Read `INSERT INTO c SELECT * FROM t WITHTYPE RING_BUFFER`.\n");
        assertThat(page.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.HAZELCAST_SOURCE));
        KcqlExamples config = read("changes.json", "{\"name\": \"s\", \"config\": {\"connector.class\": "
                + "\"io.streamgrid.hazelcast.source.HazelcastSourceConnector\", \"connect.hazelcast.kcql\": "
                + "\"INSERT INTO a SELECT * FROM b WITHTYPE RING_BUFFER\"}}");
        assertThat(config.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.HAZELCAST_SOURCE));
    }

    @Test
    void theMqttSinksStatementsAreTheSinksByConnectorClassOrPageThoughItSharesTheSourcesKey() throws IOException {
        KcqlExamples config = read("commands-out.json", "{\"name\": \"s\", \"config\": {\"connector.class\": "
                + "\"io.streamgrid.mqtt.sink.MqttSinkConnector\", \"connect.mqtt.kcql\": \"INSERT INTO a SELECT * FROM b\"}}");
        assertThat(config.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.MQTT_SINK));
        KcqlExamples page = read("mqtt-sink.md", String.join("\n", "```properties",
                "connect.mqtt.kcql=INSERT INTO cmd SELECT * FROM commands", "```", ""));
        assertThat(page.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.MQTT_SINK));
        KcqlExamples source = read("mqtt-source.md", String.join("\n", "```properties",
                "connect.mqtt.kcql=INSERT INTO t SELECT * FROM x/#", "```", ""));
        assertThat(source.examples).singleElement().extracting(Example::connectors)
                .isEqualTo(Set.of(OurConnector.MQTT));
    }

    @Test
    void inlineSpansMayRunOverALineBreakAndHoldBackticksInsideLongerRuns() throws IOException {
        KcqlExamples found = read("mqtt-source.md", String.join("\n",
                "Targets work (``INSERT INTO",
                "  plant_${4} SELECT metric FROM spBv1.0/+/+/+ WITHCONVERTER = `sparkplug` ``), and `a` too.",
                "", "A `` ` `` alone, and a span `INSERT INTO x", "", "SELECT * FROM y` cut by a blank line.", ""));
        assertThat(found.examples).extracting(Example::place, Example::kcql).containsExactly(
                tuple("mqtt-source.md:1",
                        "INSERT INTO   plant_${4} SELECT metric FROM spBv1.0/+/+/+ WITHCONVERTER = `sparkplug`"));
    }

    @Test
    void tableCellsUnescapeTheirPipes() throws IOException {
        KcqlExamples found = read("coap-source.md",
                "| a | `INSERT INTO t SELECT * FROM r WHERE code = '2.05' OR x \\| y` |\n");
        assertThat(found.examples).singleElement().extracting(Example::kcql)
                .isEqualTo("INSERT INTO t SELECT * FROM r WHERE code = '2.05' OR x | y");
    }

    @Test
    void synopsesAndFragmentsAreNoExamples() throws IOException {
        KcqlExamples found = read("benchmarks.md", String.join("\n",
                "`INSERT INTO <s> SELECT * FROM bench [PK id] STOREAS <type>`, `UPSERT INTO ... PK id STOREAS IMAP`,",
                "`INSERT INTO mqtt_${topic}`, `INSERT INTO a SELECT * FROM b WHERE x < 5 AND y > 2`",
                "and `INSERT INTO a SELECT * FROM b WHERE s = '...'`.", "",
                "```", "INSERT INTO <target> SELECT <fields> FROM <source> [clause ...]", "```", ""));
        assertThat(found.skipped).extracting(Skipped::place, Skipped::why).containsExactlyInAnyOrder(
                tuple("benchmarks.md:1", "a synopsis with placeholders"),
                tuple("benchmarks.md:1", "a synopsis with placeholders"),
                tuple("benchmarks.md:2", "a fragment without SELECT ... FROM"),
                tuple("benchmarks.md:6", "a synopsis with placeholders"));
        assertThat(found.examples).extracting(Example::kcql).containsExactly(
                "INSERT INTO a SELECT * FROM b WHERE x < 5 AND y > 2", "INSERT INTO a SELECT * FROM b WHERE s = '...'");
    }

    @Test
    void configKeysNameTheirConnectorInPropertiesJsonAndFencedBlocks() throws IOException {
        Path properties = root.resolve("sink.properties");
        Files.writeString(properties, "name=s\nconnect.hazelcast.kcql=INSERT INTO q SELECT * FROM t;\\\n"
                + "  INSERT INTO r SELECT * FROM u\n");
        Path json = root.resolve("mqtt.json");
        Files.writeString(json, "{\"name\": \"m\", \"config\": {\"connect.mqtt.kcql\": \"INSERT INTO k SELECT * FROM "
                + "a/+ WITHCONVERTER=`json` WHERE s = 'x\\\"y'\"}}");
        Path page = root.resolve("README.md");
        Files.writeString(page, String.join("\n", "```bash",
                "curl -d '{\"connect.coap.kcql\": \"INSERT INTO c SELECT * FROM sensors\"}' http://localhost:8083",
                "```", "```properties", "connect.hazelcast.sink.kcql=INSERT INTO d SELECT * FROM e", "```", ""));
        KcqlExamples found = new KcqlExamples(root);
        for (Path file : List.of(properties, json, page)) {
            found.read(file);
        }
        assertThat(found.examples).containsExactly(
                new Example("sink.properties:2", "INSERT INTO q SELECT * FROM t;INSERT INTO r SELECT * FROM u",
                        Set.of(OurConnector.SINK)),
                new Example("mqtt.json:1", "INSERT INTO k SELECT * FROM a/+ WITHCONVERTER=`json` WHERE s = 'x\"y'",
                        Set.of(OurConnector.MQTT)),
                new Example("README.md:2", "INSERT INTO c SELECT * FROM sensors", Set.of(OurConnector.COAP)),
                new Example("README.md:5", "INSERT INTO d SELECT * FROM e", Set.of(OurConnector.SINK)));
    }

    @Test
    void checkerCommandsWithTheOutputTheDocsShowAndTheirStatements() throws IOException {
        KcqlExamples found = read("kcql.md", String.join("\n",
                "```bash",
                "java -jar kcql-parser/target/kcql-parser-0.2.0.jar --connector sink 'INSERT INTO q SELECT * FROM t'",
                "echo 'INSERT INTO a SELECT x FROM b' | java -jar kcql-parser-0.2.0.jar --connector mqtt",
                "```", "",
                "```",
                "$ java -jar kcql-parser-0.2.0.jar 'INSERT INTO a SELECT * FROM b FOO'",
                "KCQL error at line 1, column 31: unexpected 'FOO', expected ...",
                "  INSERT INTO a SELECT * FROM b FOO",
                "                                ^^^",
                "$ java -jar kcql-parser-0.2.0.jar \"INSERT INTO a SELECT * FROM b\"",
                "```", ""));
        assertThat(found.checkerRuns).containsExactly(
                new CheckerRun("kcql.md:2", List.of("--connector", "sink", "INSERT INTO q SELECT * FROM t"), null,
                        List.of()),
                new CheckerRun("kcql.md:3", List.of("--connector", "mqtt"), "INSERT INTO a SELECT x FROM b", List.of()),
                new CheckerRun("kcql.md:7", List.of("INSERT INTO a SELECT * FROM b FOO"), null, List.of(
                        "KCQL error at line 1, column 31: unexpected 'FOO', expected ...",
                        "  INSERT INTO a SELECT * FROM b FOO",
                        "                                ^^^")),
                new CheckerRun("kcql.md:11", List.of("INSERT INTO a SELECT * FROM b"), null, List.of()));
        assertThat(found.examples).as("what a checker with --connector is shown to take, its connector takes")
                .containsExactly(
                        new Example("kcql.md:2", "INSERT INTO q SELECT * FROM t", Set.of(OurConnector.SINK)),
                        new Example("kcql.md:3", "INSERT INTO a SELECT x FROM b", Set.of(OurConnector.MQTT)));
    }

    @Test
    void aStatementInDoubleQuotesWithABacktickIsNoCommandAShellRunsAsShown() {
        assertThatThrownBy(() -> ShellWords.split("--connector mqtt \"INSERT INTO a SELECT * FROM b WITHCONVERTER = "
                + "`json`\"")).hasMessageStartingWith("a shell substitutes ` inside double quotes");
        assertThat(ShellWords.split("a 'b c' \"d \\\"e\\\"\" f\\ g")).containsExactly("a", "b c", "d \"e\"", "f g");
    }
}
