package io.streamgrid.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Real Hazelcast members in the test JVM, on free loopback ports, in a cluster of their own; the sink's and the
 * source's tests share it.
 */
public final class HazelcastMembers implements AutoCloseable {

    static final String SMALL_QUEUE = "bounded-*";
    static final int SMALL_QUEUE_CAPACITY = 10;
    /** Maps whose member-side store refuses values holding "poison": a write failure no retry can mend. */
    static final String REJECTING_MAP = "rejecting-*";

    private final String clusterName = "test-" + UUID.randomUUID();
    private final List<Integer> ports = new ArrayList<>();
    private final List<HazelcastInstance> members = new ArrayList<>();

    private final UnaryOperator<Config> configure;

    public HazelcastMembers(int count) {
        this(count, config -> config);
    }

    /** @param configure changes each member's configuration before it starts (e.g. to enable Jet for SQL) */
    public HazelcastMembers(int count, UnaryOperator<Config> configure) {
        this.configure = configure;
        for (int i = 0; i < count; i++) {
            ports.add(freePort());
        }
        for (int i = 0; i < count; i++) {
            start(i);
        }
    }

    /** Starts (again) the member of index {@code i} on its own port. */
    public HazelcastInstance start(int i) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.partition.count", "17");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(ports.get(i)).setPortAutoIncrement(false);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        ports.forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p));
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.addQueueConfig(new QueueConfig(SMALL_QUEUE).setMaxSize(SMALL_QUEUE_CAPACITY));
        config.addMapConfig(new MapConfig(REJECTING_MAP).setMapStoreConfig(
                new MapStoreConfig().setEnabled(true).setWriteDelaySeconds(0)
                        .setImplementation(new RejectingStore())));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(configure.apply(config));
        if (i < members.size()) {
            members.set(i, member);
        } else {
            members.add(member);
        }
        return member;
    }

    /** A write-through store that refuses poison, as a member-side validation would. */
    static final class RejectingStore extends StoreOnly {
        @Override
        public void store(Object key, Object value) {
            if (String.valueOf(value).contains("poison")) {
                throw new IllegalArgumentException("the store refuses " + key);
            }
        }

        @Override
        public void storeAll(Map<Object, Object> entries) {
            entries.forEach(this::store);
        }

        @Override
        public void delete(Object key) {
        }

        @Override
        public void deleteAll(Collection<Object> keys) {
        }
    }

    /** A map store that loads nothing: the tests' stores only watch or refuse what is written. */
    abstract static class StoreOnly implements MapStore<Object, Object> {
        @Override
        public Object load(Object key) {
            return null;
        }

        @Override
        public Map<Object, Object> loadAll(Collection<Object> keys) {
            return Map.of();
        }

        @Override
        public Iterable<Object> loadAllKeys() {
            return null;
        }
    }

    public void stop(int i) {
        members.get(i).getLifecycleService().terminate();
    }

    public HazelcastInstance member(int i) {
        return members.get(i);
    }

    public String clusterName() {
        return clusterName;
    }

    /** Sink task properties for these members: the KCQL, then key/value pairs of further settings. */
    Map<String, String> sinkProps(String kcql, String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.hazelcast.kcql", kcql);
        props.put("connect.hazelcast.cluster.members", addresses());
        props.put("connect.hazelcast.cluster.name", clusterName);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    public String addresses() {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    @Override
    public void close() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
