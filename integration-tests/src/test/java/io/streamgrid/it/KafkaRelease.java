package io.streamgrid.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft broker and a Connect distributed worker of one Kafka release, each a plain {@code java} process from
 * that release's Maven-resolved jars (compat-workers/kafka-x.y/target/lib), the worker's plugin.path holding only
 * our packaged plugins and its JMX open on loopback so tests read the metrics as an operator would.
 */
final class KafkaRelease implements AutoCloseable {

    static final Path COMPAT = Path.of(System.getProperty("streamgrid.compat.workers", "../compat-workers"))
            .toAbsolutePath().normalize();

    final String line;
    final int brokerPort = ConnectCluster.freePort();
    final int restPort;
    final int jmxPort;
    private final ServerProcess broker;
    private final java.util.List<ServerProcess> workers = new java.util.ArrayList<>();
    private final java.util.List<Integer> restPorts = new java.util.ArrayList<>();
    private final java.util.List<Integer> metricsPorts = new java.util.ArrayList<>();
    private final Path javaHome;
    private final Path lib;
    private final List<String> logging;
    private final Path dir;
    private final Map<String, String> workerProps;
    private final JmxExporterAgent exporter;

    /**
     * @param line     the release line, e.g. {@code 3.7}: its jars are in compat-workers/kafka-3.7/target/lib
     * @param javaHome the JDK both processes run on
     * @param dir      a fresh directory for their data, configs and logs
     */
    KafkaRelease(String line, Path javaHome, Path dir) {
        this(line, javaHome, dir, 1, Map.of());
    }

    /**
     * @param workers    how many workers join the Connect cluster (one group)
     * @param workerProps settings added to every worker's config
     */
    KafkaRelease(String line, Path javaHome, Path dir, int workers, Map<String, String> workerProps) {
        this(line, javaHome, dir, workers, workerProps, null);
    }

    /**
     * @param exporter the Prometheus JMX exporter every worker runs as its agent, each on a port of its own
     *                 ({@link #metricsUrl(int)}); null for none
     */
    KafkaRelease(String line, Path javaHome, Path dir, int workers, Map<String, String> workerProps,
                 JmxExporterAgent exporter) {
        this.line = line;
        this.javaHome = javaHome;
        this.dir = dir;
        this.workerProps = Map.copyOf(workerProps);
        this.exporter = exporter;
        this.lib = COMPAT.resolve("kafka-" + line).resolve("target").resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("No Kafka " + line + " jars in " + lib + ": build compat-workers first "
                    + "(mvn -B verify builds it before the integration tests)");
        }
        int controllerPort = ConnectCluster.freePort();
        boolean reload4j = line.startsWith("3.");
        this.logging = List.of(reload4j
                ? "-Dlog4j.configuration=file:" + write(dir, "log4j.properties", String.join("\n",
                        "log4j.rootLogger=INFO, stdout",
                        "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                        "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                        "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                        "log4j.logger.org.reflections=ERROR", ""))
                : "-Dlog4j2.configurationFile=" + write(dir, "log4j2.properties", String.join("\n",
                        "appender.console.type=Console",
                        "appender.console.name=STDOUT",
                        "appender.console.layout.type=PatternLayout",
                        "appender.console.layout.pattern=[%d] %p %m (%c)%n",
                        "rootLogger.level=INFO",
                        "rootLogger.appenderRefs=stdout",
                        "rootLogger.appenderRef.stdout.ref=STDOUT",
                        "logger.reflections.name=org.reflections",
                        "logger.reflections.level=ERROR", "")));
        Path server = write(dir, "server.properties", String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("kafka-data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0", ""));
        ServerProcess.run("Kafka " + line + " storage format", ServerProcess.java(javaHome, lib, logging,
                "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", server.toString()),
                dir.resolve("format.log"));
        broker = ServerProcess.start("Kafka " + line + " broker", ServerProcess.java(javaHome, lib, logging,
                "kafka.Kafka", server.toString()), dir.resolve("broker.log"), brokerPort, Duration.ofSeconds(60));
        try {
            for (int i = 0; i < workers; i++) {
                int jmx = addWorker();
                if (i == 0) {
                    firstJmx = jmx;
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.restPort = restPorts.get(0);
        this.jmxPort = firstJmx;
    }

    private int firstJmx;

    /**
     * Starts one more worker in the group (the cluster's workers are numbered in the order they were added) and
     * waits for its REST resources; returns its JMX port.
     */
    int addWorker() {
        int index = workers.size();
        int rest = ConnectCluster.freePort();
        int jmx = ConnectCluster.freePort();
        restPorts.add(rest);
        metricsPorts.add(exporter == null ? -1 : ConnectCluster.freePort());
        workers.add(startWorker(index, rest, jmx));
        return jmx;
    }

    private ServerProcess startWorker(int index, int rest, int jmx) {
        StringBuilder extra = new StringBuilder();
        workerProps.forEach((k, v) -> extra.append(k).append('=').append(v).append('\n'));
        Path workerProps = write(dir, "connect-distributed-" + index + ".properties", String.join("\n",
                "bootstrap.servers=127.0.0.1:" + brokerPort,
                "group.id=compat-" + line,
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "config.storage.topic=connect-configs",
                "offset.storage.topic=connect-offsets",
                "status.storage.topic=connect-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "offset.flush.interval.ms=1000",
                "listeners=http://127.0.0.1:" + rest,
                "plugin.path=" + ConnectCluster.PLUGINS,
                "plugin.discovery=service_load", "") + extra);
        List<String> workerOptions = new java.util.ArrayList<>(logging);
        workerOptions.addAll(List.of(
                "-Dcom.sun.management.jmxremote.port=" + jmx,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmx,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false"));
        if (exporter != null) {
            workerOptions.add(exporter.jvmOption(metricsPorts.get(index)));
        }
        ServerProcess worker = ServerProcess.start("Kafka Connect " + line + " worker " + index,
                ServerProcess.java(javaHome, lib, workerOptions, "org.apache.kafka.connect.cli.ConnectDistributed",
                        workerProps.toString()), dir.resolve("worker-" + index + ".log"), rest, Duration.ofSeconds(90));
        awaitRest(rest);
        return worker;
    }

    /** The REST port opens before the worker serves its resources (404 until then): wait for those. */
    private void awaitRest(int rest) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        org.awaitility.Awaitility.await("Kafka Connect " + line + " REST resources").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + rest + "/connector-plugins"))
                                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort + "/";
    }

    String jmxUrl() {
        return "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi";
    }

    ServerProcess worker() {
        return workers.get(0);
    }

    /** How many workers were started (those stopped or killed since included). */
    int workers() {
        return workers.size();
    }

    ServerProcess worker(int index) {
        return workers.get(index);
    }

    /** The REST URL of one worker. */
    String restUrl(int index) {
        return "http://127.0.0.1:" + restPorts.get(index) + "/";
    }

    /** Starts a worker again after a kill -9, and waits for its REST resources. */
    void restartWorker(int index) {
        workers.get(index).restart(Duration.ofSeconds(90));
        awaitRest(restPorts.get(index));
    }

    /** Stops a worker as an operator does (SIGTERM): it leaves the group and hands its tasks back before it exits. */
    void stopWorker(int index) {
        workers.get(index).stop(Duration.ofSeconds(60));
    }

    /** The worker's Prometheus endpoint (the JMX exporter agent's), for a release started with one. */
    String metricsUrl(int index) {
        if (exporter == null) {
            throw new IllegalStateException("Kafka " + line + " was started without the JMX exporter agent");
        }
        return "http://127.0.0.1:" + metricsPorts.get(index) + "/metrics";
    }

    private static Path write(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        workers.forEach(ServerProcess::close);
        if (broker != null) {
            broker.close();
        }
    }
}
