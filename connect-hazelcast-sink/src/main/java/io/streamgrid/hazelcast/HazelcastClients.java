package io.streamgrid.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ConnectionRetryConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.client.config.SocketOptions;
import com.hazelcast.client.config.XmlClientConfigBuilder;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.client.properties.ClientProperty;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** Builds the Hazelcast client a connector's cluster settings describe (the sink's and the source's). */
public final class HazelcastClients {

    private HazelcastClients() {
    }

    /**
     * The client config: the client config file when one is given, with every key the connector config
     * sets on top; without a file, every key with its default.
     *
     * @param clusterConnectTimeoutMs how long the client tries to reach the cluster before it shuts down; -1 never
     */
    public static ClientConfig clientConfig(HazelcastClusterConfig config, String instanceName,
                                            long clusterConnectTimeoutMs) {
        boolean file = !config.clientConfigFile().isEmpty();
        ClientConfig client = file ? load(config.clientConfigFile()) : new ClientConfig();
        client.setClassLoader(HazelcastClients.class.getClassLoader());
        client.setProperty("hazelcast.logging.type", "slf4j");
        // A write counts only once its backup has it. By default the backup member acknowledges straight to the
        // client, and a call whose owner dies before that acknowledgement still completes as done, its items
        // possibly gone; an acknowledgement sent before the client has connected to the backup member is lost
        // too (5 s, then the same). With the owner waiting for its backups and an unconfirmed call failing, the
        // pipe sends such a batch again.
        client.setBackupAckToClientEnabled(false);
        client.setProperty(ClientProperty.FAIL_ON_INDETERMINATE_OPERATION_STATE.getName(), "true");
        client.setInstanceName(instanceName);
        config.clientLabels().forEach(client::addLabel);
        if (!file || config.isSet(HazelcastClusterConfig.CLUSTER_NAME_CONFIG)) {
            client.setClusterName(config.clusterName());
        }
        if (!file || config.isSet(HazelcastClusterConfig.MEMBERS_CONFIG)) {
            client.getNetworkConfig().setAddresses(config.members());
        }
        if (!file || config.isSet(HazelcastClusterConfig.CONNECTION_TIMEOUT_CONFIG)) {
            client.getNetworkConfig().setConnectionTimeout(config.connectionTimeoutMs());
        }
        if (!file || config.isSet(HazelcastClusterConfig.ROUTING_MODE_CONFIG)) {
            client.getNetworkConfig().getClusterRoutingConfig()
                    .setRoutingMode(config.singleMemberRouting() ? RoutingMode.SINGLE_MEMBER : RoutingMode.ALL_MEMBERS);
        }
        ConnectionRetryConfig retry = client.getConnectionStrategyConfig().getConnectionRetryConfig();
        retry.setClusterConnectTimeoutMillis(clusterConnectTimeoutMs);
        if (!file || config.isSet(HazelcastClusterConfig.BACKOFF_INITIAL_CONFIG)) {
            retry.setInitialBackoffMillis(config.backoffInitialMs());
        }
        if (!file || config.isSet(HazelcastClusterConfig.BACKOFF_MAX_CONFIG)) {
            retry.setMaxBackoffMillis(config.backoffMaxMs());
        }
        if (!file || config.isSet(HazelcastClusterConfig.BACKOFF_MULTIPLIER_CONFIG)) {
            retry.setMultiplier(config.backoffMultiplier());
        }
        SocketOptions socket = client.getNetworkConfig().getSocketOptions();
        socket.setKeepAlive(config.keepAlive());
        socket.setTcpNoDelay(config.tcpNoDelay());
        socket.setReuseAddress(config.reuseAddress());
        socket.setLingerSeconds(config.lingerSeconds());
        socket.setBufferSize(config.bufferSizeKb());
        return client;
    }

    /** Why validate could not join the cluster, as the message to show on the members key. */
    public static final class UnreachableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message) {
            super(message);
        }
    }

    /**
     * A client for a connector's validate, which must answer within a few seconds: it tries to join for
     * {@code atMostMs} (or the cluster connect timeout, when shorter); the caller shuts it down.
     */
    public static HazelcastInstance validationClient(HazelcastClusterConfig config, long atMostMs)
            throws UnreachableException {
        long timeout = Math.min(atMostMs, config.clusterConnectTimeoutMs());
        try {
            return HazelcastClient.newHazelcastClient(
                    clientConfig(config, "streamgrid-validate-" + System.nanoTime(), timeout));
        } catch (RuntimeException e) {
            throw new UnreachableException("Cannot reach " + config.describe() + " within " + timeout + " ms: "
                    + e.getMessage());
        }
    }

    private static ClientConfig load(String location) {
        Path path = Path.of(location);
        if (!Files.isReadable(path)) {
            throw new ConfigException(HazelcastClusterConfig.CLIENT_CONFIG_FILE_CONFIG, location,
                    "the file does not exist or cannot be read on this worker");
        }
        String name = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return new YamlClientConfigBuilder(path.toFile()).build();
            }
            if (name.endsWith(".xml")) {
                return new XmlClientConfigBuilder(path.toFile()).build();
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(HazelcastClusterConfig.CLIENT_CONFIG_FILE_CONFIG, location,
                    "not a valid Hazelcast client config: " + e.getMessage());
        }
        throw new ConfigException(HazelcastClusterConfig.CLIENT_CONFIG_FILE_CONFIG, location,
                "the file must end in .xml, .yaml or .yml");
    }
}
