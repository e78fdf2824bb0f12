package io.streamgrid.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.sql.SqlResult;
import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.SinkTopics;
import io.streamgrid.common.metrics.TaskIds;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
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
        return TaskIds.number(Collections.nCopies(maxTasks, props));
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
        AliasedValidation validation = AliasedValidation.of(HazelcastSinkConfig.ALIASES, connectorConfigs,
                super::validate);
        if (validation.noErrors()) {
            topicMismatch(validation.resolved())
                    .ifPresent(validation.value(HazelcastSinkConfig.KCQL_CONFIG)::addErrorMessage);
        }
        if (validation.noErrors()) { // the network checks last, and only for an otherwise valid config
            ClusterCheck check = checkCluster(validation.resolved());
            if (check.unreachable() != null) {
                validation.value(HazelcastClusterConfig.MEMBERS_CONFIG).addErrorMessage(check.unreachable());
            }
            if (check.withoutSql() != null) {
                validation.value(HazelcastSinkConfig.KCQL_CONFIG).addErrorMessage(check.withoutSql());
            }
        }
        return validation.result();
    }

    /** Why the cluster cannot be reached, or why it cannot run the SQL the statements need; null when it can. */
    record ClusterCheck(String unreachable, String withoutSql) {
    }

    /** With a {@code topics} list, every topic needs a statement and every statement a topic. */
    static Optional<String> topicMismatch(Map<String, String> props) {
        return SinkTopics.mismatch(props, new HazelcastSinkConfig(props).statements());
    }

    /**
     * Joins the cluster as a client; with statements that make SQL mappings, also asks it to run SQL, which
     * needs the Jet engine enabled and the hazelcast-sql module on every member.
     */
    static ClusterCheck checkCluster(Map<String, String> props) {
        HazelcastSinkConfig config = new HazelcastSinkConfig(props);
        HazelcastInstance client;
        try {
            client = HazelcastClients.validationClient(config.cluster(), VALIDATE_CONNECT_TIMEOUT_MS);
        } catch (HazelcastClients.UnreachableException e) {
            return new ClusterCheck(e.getMessage(), null);
        }
        try {
            List<String> mapped = config.statements().stream().map(StoreTarget::of).filter(StoreTarget::sqlMapping)
                    .map(StoreTarget::name).toList();
            return new ClusterCheck(null, mapped.isEmpty() ? null : sqlRefusal(client, config.cluster().clusterName(), mapped));
        } finally {
            client.shutdown();
        }
    }

    private static String sqlRefusal(HazelcastInstance client, String cluster, List<String> maps) {
        try (SqlResult ignored = client.getSql().execute("SHOW MAPPINGS")) {
            return null;
        } catch (RuntimeException e) {
            return "sqlMapping = true (for " + maps + ") needs SQL on the Hazelcast cluster '" + cluster
                    + "', which refused it: " + e.getMessage() + ". SQL needs the Jet engine enabled on every member "
                    + "(hazelcast.jet.enabled=true, or 'jet: enabled: true' in hazelcast.yaml) and the hazelcast-sql "
                    + "module on the members' class path (the full Hazelcast distribution has both); or drop "
                    + "sqlMapping and create the mapping by hand";
        }
    }
}
