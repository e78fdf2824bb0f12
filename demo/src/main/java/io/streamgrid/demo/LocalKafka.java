package io.streamgrid.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One Kafka node (KRaft broker and controller in one) in the demo's JVM, listening on 127.0.0.1 only, its data in a
 * temporary directory that {@link #close()} removes. Started as {@code kafka-storage format} and {@code kafka.Kafka}
 * would, from a config the demo writes: Kafka's test kit (what {@code EmbeddedConnectCluster} runs) binds its ports
 * on every interface before it reads any listener setting.
 */
final class LocalKafka implements AutoCloseable {

    private static final String CONTROLLER = "CONTROLLER";

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private LocalKafka(Path dir, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static LocalKafka start() throws IOException {
        Path dir = Files.createTempDirectory("kafka");
        try {
            String broker = Loopback.HOST + ":" + Loopback.freeTcpPort();
            String controller = Loopback.HOST + ":" + Loopback.freeTcpPort();
            Properties config = config(dir, broker, controller);
            Path file = dir.resolve("server.properties");
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                config.store(out, "the demo's Kafka node");
            }
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            int formatted = StorageTool.execute(new String[] {"format", "--config", file.toString(), "--cluster-id",
                    Uuid.randomUuid().toString(), "--ignore-formatted"}, quiet);
            if (formatted != 0) {
                throw new IOException("formatting Kafka's storage in " + dir + " failed (" + formatted + ")");
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
            server.startup();
            return new LocalKafka(dir, server, broker);
        } catch (IOException | RuntimeException e) {
            TempFiles.deleteQuietly(dir);
            throw e;
        }
    }

    private static Properties config(Path dir, String broker, String controller) {
        Properties config = new Properties();
        config.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@" + controller),
                Map.entry("listeners", "PLAINTEXT://" + broker + "," + CONTROLLER + "://" + controller),
                Map.entry("advertised.listeners", "PLAINTEXT://" + broker),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                // one node: every internal topic has one replica, and nobody to hand partitions to at shutdown
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("controlled.shutdown.enable", "false"),
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024))));
        return config;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates topics of one partition (the broker does not create them on first use) and waits until the broker
     * describes them all: a client that asks for them sooner is told they are unknown, and warns.
     */
    void createTopics(List<String> names) throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(names.stream().map(name -> new NewTopic(name, 1, (short) 1)).toList()).all()
                    .get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(names)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the broker did not list the new topics within 30 s: " + names);
                }
                Thread.sleep(50); // the broker's metadata catches up with its controller within milliseconds
            }
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            TempFiles.deleteQuietly(dir);
        }
    }
}
