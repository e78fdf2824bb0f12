package io.streamgrid.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.metrics.TaskIds;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
        if (validation.noErrors()) { // the network check last, and only for an otherwise valid config
            String unreachable = reachability(validation.resolved());
            if (unreachable != null) {
                validation.value(HazelcastSinkConfig.MEMBERS_CONFIG).addErrorMessage(unreachable);
            }
        }
        return validation.result();
    }

    /**
     * With a {@code topics} list, every topic needs a statement and every statement a topic; otherwise records
     * would have nowhere to go, or a statement would never see a record.
     */
    static Optional<String> topicMismatch(Map<String, String> props) {
        String topicList = props.get(SinkConnector.TOPICS_CONFIG);
        if (topicList == null || topicList.isBlank()) {
            return Optional.empty(); // topics.regex: which topics match is known only at run time
        }
        Set<String> topics = new TreeSet<>();
        for (String topic : topicList.split(",")) {
            if (!topic.isBlank()) {
                topics.add(topic.trim());
            }
        }
        Set<String> sources = new TreeSet<>();
        new HazelcastSinkConfig(props).statements().forEach(s -> sources.add(s.source()));
        Set<String> unread = new TreeSet<>(topics);
        unread.removeAll(sources);
        Set<String> unsubscribed = new TreeSet<>(sources);
        unsubscribed.removeAll(topics);
        if (!unread.isEmpty()) {
            return Optional.of("no KCQL statement reads the topics " + unread + " listed in topics; add a statement "
                    + "FROM each of them or remove them from topics");
        }
        if (!unsubscribed.isEmpty()) {
            return Optional.of("KCQL statements read " + unsubscribed + ", which are not in topics " + topics
                    + "; add them to topics");
        }
        return Optional.empty();
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
