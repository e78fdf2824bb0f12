package io.streamgrid.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.common.Version;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** Kafka Connect sink that writes records to Hazelcast structures, configured with KCQL. */
public class HazelcastSinkConnector extends SinkConnector {

    /** Validation checks the cluster is reachable within this time at most. */
    static final long VALIDATE_CONNECT_TIMEOUT_MS = 5_000L;

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = HazelcastSinkConfig.ALIASES.resolveAndWarn(props);
        new HazelcastSinkConfig(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HazelcastSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return HazelcastSinkConfig.CONFIG_DEF;
    }

    /**
     * Checks every key (old names included), then whether the cluster can be reached, with the error on
     * {@code connect.hazelcast.cluster.members}.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Map<String, String> conflicts = new HashMap<>();
        Map<String, String> resolved = HazelcastSinkConfig.ALIASES.resolveLeniently(connectorConfigs, conflicts);
        Config result = super.validate(resolved);
        Map<String, ConfigValue> byName = new HashMap<>();
        result.configValues().forEach(v -> byName.put(v.name(), v));
        conflicts.forEach((key, message) -> byName.get(key).addErrorMessage(message));
        boolean valid = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (valid) {
            String unreachable = reachability(resolved);
            if (unreachable != null) {
                byName.get(HazelcastSinkConfig.MEMBERS_CONFIG).addErrorMessage(unreachable);
            }
        }
        return result;
    }

    /** Null when a client can join the cluster, else why not. */
    static String reachability(Map<String, String> props) {
        HazelcastSinkConfig config = new HazelcastSinkConfig(props);
        long timeout = Math.min(VALIDATE_CONNECT_TIMEOUT_MS, config.clusterConnectTimeoutMs());
        HazelcastInstance client = null;
        try {
            client = HazelcastClient.newHazelcastClient(
                    HazelcastClients.clientConfig(config, "streamgrid-validate-" + System.nanoTime(), timeout));
            return null;
        } catch (RuntimeException e) {
            return "Cannot reach the Hazelcast cluster '" + config.clusterName() + "' at " + config.members()
                    + " within " + timeout + " ms: " + e.getMessage();
        } finally {
            if (client != null) {
                client.shutdown();
            }
        }
    }
}
