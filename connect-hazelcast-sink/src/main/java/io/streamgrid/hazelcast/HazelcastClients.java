package io.streamgrid.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ConnectionRetryConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.client.config.SocketOptions;
import com.hazelcast.client.config.XmlClientConfigBuilder;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.client.properties.ClientProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** Builds the Hazelcast client the sink's config describes. */
final class HazelcastClients {

    private HazelcastClients() {
    }

    /**
     * The client config: the client config file when one is given, with every key the connector config
     * sets on top; without a file, every key with its default.
     *
     * @param clusterConnectTimeoutMs how long the client tries to reach the cluster before it shuts down; -1 never
     */
    static ClientConfig clientConfig(HazelcastSinkConfig config, String instanceName, long clusterConnectTimeoutMs) {
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
        if (!file || config.isSet(HazelcastSinkConfig.CLUSTER_NAME_CONFIG)) {
            client.setClusterName(config.clusterName());
        }
        if (!file || config.isSet(HazelcastSinkConfig.MEMBERS_CONFIG)) {
            client.getNetworkConfig().setAddresses(config.members());
        }
        if (!file || config.isSet(HazelcastSinkConfig.CONNECTION_TIMEOUT_CONFIG)) {
            client.getNetworkConfig().setConnectionTimeout(config.connectionTimeoutMs());
        }
        if (!file || config.isSet(HazelcastSinkConfig.ROUTING_MODE_CONFIG)) {
            client.getNetworkConfig().getClusterRoutingConfig()
                    .setRoutingMode(config.singleMemberRouting() ? RoutingMode.SINGLE_MEMBER : RoutingMode.ALL_MEMBERS);
        }
        ConnectionRetryConfig retry = client.getConnectionStrategyConfig().getConnectionRetryConfig();
        retry.setClusterConnectTimeoutMillis(clusterConnectTimeoutMs);
        if (!file || config.isSet(HazelcastSinkConfig.BACKOFF_INITIAL_CONFIG)) {
            retry.setInitialBackoffMillis(config.backoffInitialMs());
        }
        if (!file || config.isSet(HazelcastSinkConfig.BACKOFF_MAX_CONFIG)) {
            retry.setMaxBackoffMillis(config.backoffMaxMs());
        }
        if (!file || config.isSet(HazelcastSinkConfig.BACKOFF_MULTIPLIER_CONFIG)) {
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

    private static ClientConfig load(String location) {
        Path path = Path.of(location);
        if (!Files.isReadable(path)) {
            throw new ConfigException(HazelcastSinkConfig.CLIENT_CONFIG_FILE_CONFIG, location,
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
            throw new ConfigException(HazelcastSinkConfig.CLIENT_CONFIG_FILE_CONFIG, location,
                    "not a valid Hazelcast client config: " + e.getMessage());
        }
        throw new ConfigException(HazelcastSinkConfig.CLIENT_CONFIG_FILE_CONFIG, location,
                "the file must end in .xml, .yaml or .yml");
    }
}
