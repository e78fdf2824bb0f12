package io.streamgrid.it;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hazelcast members as separate processes (the test class path's Hazelcast jar), so a test can kill -9 one, in a
 * cluster of their own on loopback; and a client to read what they hold. Maps device_state and journal-* have an
 * event journal, ringbuffers big-* a capacity of 100,000.
 */
final class MemberProcesses implements AutoCloseable {

    private final String clusterName;
    private final Path dir;
    private final Path lib;
    private final List<Integer> ports = new ArrayList<>();
    private final List<ServerProcess> members = new ArrayList<>();
    private HazelcastInstance client;

    /** Members of the test class path's Hazelcast (5.7). */
    MemberProcesses(int count, Path dir) {
        this(count, dir, testClassPathHazelcast(dir), "reliability-" + System.nanoTime());
    }

    /** Members from the jars in {@code lib} (another Hazelcast release), in the named cluster. */
    MemberProcesses(int count, Path dir, Path lib, String clusterName) {
        this.clusterName = clusterName;
        this.dir = dir;
        this.lib = lib;
        for (int i = 0; i < count; i++) {
            ports.add(ConnectCluster.freePort());
        }
        for (int i = 0; i < count; i++) {
            // a member's port opens while it still looks for the others; one started next to it then may
            // form a cluster of its own (each blacklists the other), and a "two-member" cluster is two
            // clusters without backups: start the next only once this one has finished joining
            start(i);
        }
        for (ServerProcess member : members) {
            member.awaitLogged("Members {size:" + count + ",", Duration.ofSeconds(60));
        }
    }

    private void start(int index) {
        try {
            members.add(ServerProcess.start("Hazelcast member " + index, ServerProcess.java(
                    CompatibilityMatrixIT.TEST_JDK, lib, List.of("-Dhazelcast.config=" + config(dir, index)),
                    "com.hazelcast.core.server.HazelcastMemberStarter"), dir.resolve("member-" + index + ".log"),
                    ports.get(index), Duration.ofSeconds(60)));
            members.get(index).awaitLogged("is STARTED", Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts one more member, which joins the running cluster (it knows the others' addresses; they learn its own
     * when it connects), and returns its index once it has started.
     */
    int addMember() {
        ports.add(ConnectCluster.freePort());
        start(ports.size() - 1);
        return ports.size() - 1;
    }

    private static Path testClassPathHazelcast(Path dir) {
        try {
            Path jar = Path.of(com.hazelcast.core.Hazelcast.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            Path lib = Files.createDirectories(dir.resolve("hazelcast-lib"));
            Files.copy(jar, lib.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return lib;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path config(Path dir, int index) throws IOException {
        StringBuilder members = new StringBuilder();
        ports.forEach(p -> members.append("          - 127.0.0.1:").append(p).append('\n'));
        return Files.writeString(dir.resolve("member-" + index + ".yaml"), String.join("\n",
                "hazelcast:",
                "  cluster-name: " + clusterName,
                "  properties:",
                "    hazelcast.phone.home.enabled: false",
                "    hazelcast.partition.count: 17",
                // the maps the Hazelcast source reads (its config example's device_state, the tests' journal-*) keep
                // an event journal, and the ringbuffers it reads in bulk (big-*) hold what the tests write
                "  map:",
                "    device_state:",
                "      event-journal:",
                "        enabled: true",
                "    journal-*:",
                "      event-journal:",
                "        enabled: true",
                "        capacity: 100000",
                "  ringbuffer:",
                "    big-*:",
                "      capacity: 100000",
                "  network:",
                "    port:",
                "      port: " + ports.get(index),
                "      auto-increment: false",
                "    interfaces:",
                "      enabled: true",
                "      interfaces: [127.0.0.1]",
                "    join:",
                "      auto-detection:",
                "        enabled: false",
                "      multicast:",
                "        enabled: false",
                "      tcp-ip:",
                "        enabled: true",
                "        member-list:",
                members.toString()));
    }

    String clusterName() {
        return clusterName;
    }

    String addresses() {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** A client of the cluster (made once), to read what the members hold. */
    HazelcastInstance client() {
        if (client == null) {
            ClientConfig config = new ClientConfig();
            config.setClusterName(clusterName);
            ports.forEach(p -> config.getNetworkConfig().addAddress("127.0.0.1:" + p));
            config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(-1);
            client = HazelcastClient.newHazelcastClient(config);
        }
        return client;
    }

    ServerProcess member(int index) {
        return members.get(index);
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdown();
        }
        members.forEach(ServerProcess::close);
    }
}
