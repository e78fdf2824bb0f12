package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgrid.kcql.Kcql;
import io.streamgrid.kcql.KcqlStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Client mode with many servers: one task, one endpoint, a small scheduler, whatever the number of resources. */
@Timeout(180)
class ClientFleetTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private ManyServers servers(int count, int resources) {
        ManyServers servers = new ManyServers(count, resources);
        closing.add(servers);
        return servers;
    }

    private CoapSourceTask start(Map<String, String> props) {
        CoapSourceTask task = Tasks.start(props);
        closing.add(task::stop);
        return task;
    }

    private static String statements(int resources) {
        return IntStream.range(0, resources).mapToObj(r -> "INSERT INTO t SELECT uri_port, uri_path, payload FROM "
                + "sensors/r" + r).collect(Collectors.joining("; "));
    }

    /** The distinct server:resource pairs of the records. */
    private static Set<String> sources(List<SourceRecord> records) {
        Set<String> seen = new HashSet<>();
        for (SourceRecord record : records) {
            Struct value = (Struct) record.value();
            seen.add(value.getInt32("uri_port") + "/" + value.getString("uri_path"));
        }
        return seen;
    }

    private static Set<Thread> threads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    @Test
    void aThousandObservedResourcesOnAHundredServersInOneTaskTakeAHandfulOfThreads() throws Exception {
        ManyServers many = servers(100, 10);
        Set<Thread> before = threads();
        CoapSourceTask task = start(Tasks.props(String.join(",", many.uris()), statements(10),
                "connect.coap.queue.size", "5000"));

        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            records.addAll(Tasks.poll(task, 1000, 500));
            return sources(records).size() == 1000;
        });
        Set<Thread> started = threads();
        started.removeAll(before);
        started.removeIf(t -> t.getName().startsWith("awaitility") || !t.isAlive());
        assertThat(started).as("threads the task started for 1,000 observations: its endpoint's and its scheduler's")
                .hasSizeLessThanOrEqualTo(12);

        // Every resource notifies again, one resource (100 datagrams) at a time: 1,000 NON notifications at once
        // overflow the task's socket buffer on a busy machine, and a lost NON notification is never sent again.
        records.clear();
        for (int r = 0; r < 10; r++) {
            String uriPath = "sensors/r" + r;
            many.sensor(r).publish("{\"n\":1}");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                records.addAll(Tasks.poll(task, 1000, 200));
                return sources(records.stream().filter(rec -> "{\"n\":1}".equals(((Struct) rec.value())
                        .getString("payload"))).toList()).stream().filter(s -> s.endsWith(uriPath)).count() == 100;
            });
        }
        assertThat(many.sensor(0).observers()).as("one relation per server").isEqualTo(100);
    }

    @Test
    void serversThatDoNotAnswerDoNotSlowTheOthers() throws Exception {
        ManyServers many = servers(10, 5);
        List<String> uris = new ArrayList<>(many.uris());
        for (int i = 0; i < 10; i++) {
            uris.add(i * 2, "coap://127.0.0.1:" + TestCoapServer.freeUdpPort()); // nothing listens there
        }
        CoapSourceTask task = start(Tasks.props(String.join(",", uris), statements(5)));
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            records.addAll(Tasks.poll(task, 50, 200));
            return sources(records).size() == 50;
        });
        records.clear();
        many.publishAll("{\"n\":2}");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            records.addAll(Tasks.poll(task, 50, 200));
            return sources(records).size() == 50;
        });
    }

    @Test
    void aResourceDirectoryNamesTheResourcesToObserveAndTheirServers() throws Exception {
        ManyServers many = servers(4, 2);
        List<String> uris = many.uris();
        many.directory.set(String.join(",", uris.stream().map(uri -> "<" + uri + "/sensors/r0>;rt=\"temperature\";"
                + "anchor=\"" + uri + "\"").toList()));
        String lookup = uris.get(0) + "/rd-lookup/res?rt=temperature";
        CoapSourceTask task = start(Tasks.props("", "INSERT INTO t SELECT uri_port, uri_path, payload FROM "
                + ".well-known/core PROPERTIES('rd' = '" + lookup + "', 'rt' = 'temperature', "
                + "'discovery.interval.ms' = '300')"));
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            records.addAll(Tasks.poll(task, 4, 200));
            return sources(records).size() == 4;
        });
        assertThat(sources(records)).allMatch(source -> source.endsWith("/sensors/r0"));
        assertThat(many.sensor(0).observers()).isEqualTo(4);
        assertThat(many.sensor(1).observers()).isZero();

        many.directory.set("<" + uris.get(1) + "/sensors/r0>;rt=\"temperature\"");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            many.sensor(0).publish("{\"n\":3}"); // a cancelled relation is answered with a reset, which ends it
            assertThat(many.sensor(0).observers()).as("the three servers the directory no longer lists are no "
                    + "longer observed").isEqualTo(1);
        });
    }

    @Test
    void aStatementMayNameAWholeUri() throws Exception {
        ManyServers many = servers(3, 2);
        CoapSourceTask task = start(Tasks.props("", "INSERT INTO t SELECT uri_port, uri_path FROM "
                + many.uris().get(2) + "/sensors/r1"));
        List<SourceRecord> records = Tasks.poll(task, 1, 10_000);
        assertThat(sources(records)).containsExactly(many.uris().get(2).substring("coap://127.0.0.1:".length())
                + "/sensors/r1");
        assertThat(records.get(0).sourcePartition()).isEqualTo(Map.of("uri", many.uris().get(2), "resource",
                "sensors/r1"));
    }

    @Test
    void serversAreSpreadOverTasksWithAllTheirStatements() {
        List<String> uris = List.of("coap://a:5683", "coap://b:5683", "coap://c:5683", "coap://d:5683");
        List<KcqlStatement> kcql = Kcql.parse("INSERT INTO t SELECT * FROM x; INSERT INTO u SELECT * FROM y; "
                + "INSERT INTO v SELECT * FROM coap://e:5683/z");
        List<CoapStatement> statements = kcql.stream().map(CoapStatement::compile).toList();
        List<Map<String, String>> tasks = TaskUnits.spread(Map.of(), "kcql", kcql, statements,
                uris.stream().map(CoapUri::server).toList(), 2);
        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0).get(TaskUnits.UNITS_CONFIG)).as("whole servers: a, c and e").isEqualTo(
                "1@coap://a:5683,1@coap://c:5683,2@coap://a:5683,2@coap://c:5683,3@coap://e:5683");
        assertThat(tasks.get(1).get(TaskUnits.UNITS_CONFIG)).as("b and d").isEqualTo(
                "1@coap://b:5683,1@coap://d:5683,2@coap://b:5683,2@coap://d:5683");
        assertThat(Kcql.parse(tasks.get(1).get("kcql"))).extracting(KcqlStatement::source).containsExactly("x", "y");

        TaskUnits second = TaskUnits.of(tasks.get(1), Kcql.parse(tasks.get(1).get("kcql")).stream()
                .map(CoapStatement::compile).toList(), uris.stream().map(CoapUri::server).toList());
        assertThat(second.units()).extracting(u -> u.statement().resource() + "@" + u.server().base())
                .containsExactly("x@coap://b:5683", "x@coap://d:5683", "y@coap://b:5683", "y@coap://d:5683");
    }

    @Test
    void withADirectoryEveryTaskReadsItAndObservesItsShareOfTheServers() {
        List<KcqlStatement> kcql = Kcql.parse("INSERT INTO t SELECT * FROM .well-known/core "
                + "PROPERTIES('rd' = 'coap://rd:5683/rd-lookup/res')");
        List<CoapStatement> statements = kcql.stream().map(CoapStatement::compile).toList();
        List<Map<String, String>> tasks = TaskUnits.spread(Map.of(), "kcql", kcql, statements, List.of(), 3);
        assertThat(tasks).hasSize(3).allSatisfy(task -> assertThat(task.get("kcql")).contains("rd-lookup"));
        List<TaskUnits> shares = tasks.stream().map(task -> TaskUnits.of(task, statements, List.of())).toList();
        for (int device = 0; device < 30; device++) {
            CoapUri server = CoapUri.server("coap://10.0.0." + device + ":5683");
            assertThat(shares.stream().filter(share -> share.owns(server))).as(server.base()).hasSize(1);
        }
    }
}
