package io.streamgrid.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's Hazelcast client, which never gives up on the cluster: it starts without waiting for it and
 * reconnects, with back-off, for as long as the task runs, failing operations at once while it is away (so
 * the task's retries decide what waits). Should the client shut down all the same (the cluster refused it, or
 * someone shut it down), {@link #replaceIfShutDown()} makes a new one. The sink and the source each run theirs.
 */
public final class ClusterConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConnection.class);

    private final HazelcastClusterConfig config;
    private final String name;
    private final String whileAway;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile HazelcastInstance client;
    private volatile boolean connected;
    private volatile boolean closing;
    private final AtomicLong connections = new AtomicLong();
    private int generation;

    /**
     * @param name      the client's instance name
     * @param whileAway what the task does while the cluster is away, for the warning ("records wait (they are
     *                  retried) until then")
     */
    public ClusterConnection(HazelcastClusterConfig config, String name, String whileAway) {
        this.config = config;
        this.name = name;
        this.whileAway = whileAway;
        this.client = newClient();
    }

    /** The current client, whose proxies the task reads and writes through. */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP", justification = "the connection exists to hand out its client")
    public HazelcastInstance client() {
        return client;
    }

    public boolean connected() {
        return connected;
    }

    /**
     * How many times a client of this connection has connected to the cluster: it moves on at each reconnection,
     * after which the members may be others (what the task learnt of them is to be learnt again).
     */
    public long connections() {
        return connections.get();
    }

    /** Waits at most {@code timeout} for the client to be connected; true when it is. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!connected && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return connected;
        } finally {
            lock.unlock();
        }
    }

    /** Makes a new client when the current one has shut down; true when it did (the caller remakes its proxies). */
    public boolean replaceIfShutDown() {
        if (closing || client.getLifecycleService().isRunning()) {
            return false;
        }
        LOG.warn("The Hazelcast client {} has shut down; starting a new one for cluster '{}' at {}", client.getName(),
                config.clusterName(), config.members());
        client = newClient();
        return true;
    }

    private HazelcastInstance newClient() {
        String instanceName;
        lock.lock();
        try {
            instanceName = generation++ == 0 ? name : name + "-" + generation;
        } finally {
            lock.unlock();
        }
        ClientConfig clientConfig = HazelcastClients.clientConfig(config, instanceName, -1);
        ClientConnectionStrategyConfig strategy = clientConfig.getConnectionStrategyConfig();
        strategy.setAsyncStart(true);
        strategy.setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        clientConfig.addListenerConfig(new ListenerConfig((LifecycleListener) this::stateChanged));
        return HazelcastClient.newHazelcastClient(clientConfig);
    }

    private void stateChanged(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_CONNECTED -> {
                LOG.info("Connected to the Hazelcast cluster '{}' at {}", config.clusterName(), config.members());
                connections.incrementAndGet();
                setConnected(true);
            }
            case CLIENT_DISCONNECTED -> {
                if (!closing) {
                    LOG.warn("Lost the Hazelcast cluster '{}' at {}; the client reconnects with back-off for as long "
                            + "as it takes, and {}", config.clusterName(), config.members(), whileAway);
                }
                setConnected(false);
            }
            case SHUTDOWN -> setConnected(false);
            default -> {
            }
        }
    }

    private void setConnected(boolean now) {
        lock.lock();
        try {
            connected = now;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closing = true;
        client.shutdown();
    }
}
