package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.hazelcast.HazelcastClients;
import io.streamgrid.hazelcast.HazelcastClusterConfig;
import io.streamgrid.kcql.KcqlStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Kafka Connect source that reads Hazelcast reliable topics, ringbuffers and map event journals into Kafka,
 * configured with KCQL. Its offsets are the structures' own sequences, exact per item, so it supports exactly-once
 * delivery on workers that enable it (KIP-618).
 */
public class HazelcastSourceConnector extends SourceConnector {

    /** Validation checks the cluster within this time at most. */
    static final long VALIDATE_CONNECT_TIMEOUT_MS = 5_000L;

    private Map<String, String> props;
    private HazelcastSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = HazelcastSourceConfig.ALIASES.resolveAndWarn(props);
        this.config = new HazelcastSourceConfig(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HazelcastSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return taskConfigs(props, config.statements(), maxTasks);
    }

    /**
     * Each ringbuffer and reliable topic goes to one task (all statements on it together), round robin; every map
     * journal goes to every task, each reading the partitions whose id modulo the task count is its index, so the
     * 271 partitions of a map spread evenly whatever the cluster's partition count.
     */
    static List<Map<String, String>> taskConfigs(Map<String, String> props, List<KcqlStatement> statements,
                                                 int maxTasks) {
        Map<StructureId, List<String>> byStructure = new LinkedHashMap<>();
        for (KcqlStatement statement : statements) {
            StructureId id = new StructureId(StructureType.of(statement.withType().orElseThrow()), statement.source());
            byStructure.computeIfAbsent(id, k -> new ArrayList<>()).add(statement.text());
        }
        List<String> journals = new ArrayList<>();
        List<List<String>> single = new ArrayList<>();
        byStructure.forEach((id, texts) -> {
            if (id.type().partitioned()) {
                journals.addAll(texts);
            } else {
                single.add(texts);
            }
        });
        int tasks = Math.max(1, journals.isEmpty() ? Math.min(maxTasks, single.size()) : maxTasks);
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            shares.add(new ArrayList<>(journals));
        }
        for (int i = 0; i < single.size(); i++) {
            shares.get(i % tasks).addAll(single.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(HazelcastSourceConfig.KCQL_CONFIG, KcqlConfig.join(shares.get(i)));
            task.put(HazelcastSourceConfig.TASK_SLICE_CONFIG, new HazelcastSourceConfig.TaskSlice(i, tasks).toString());
            configs.add(task);
        }
        return TaskIds.number(configs);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return HazelcastSourceConfig.CONFIG_DEF;
    }

    /** The offsets are exact sequences, written in the same transaction as the records on a worker that asks. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * Checks every key, then whether the cluster can be reached (the error on the members key) and whether each map
     * a statement reads WITHTYPE MAP_JOURNAL has its event journal enabled (on the kcql key, with the configuration
     * that enables it).
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(HazelcastSourceConfig.ALIASES, connectorConfigs,
                super::validate);
        BadMessagePolicy.check(validation, HazelcastSourceConfig.PREFIX);
        if (validation.noErrors()) { // the network checks last, and only for an otherwise valid config
            HazelcastSourceConfig checked = new HazelcastSourceConfig(validation.resolved());
            HazelcastInstance client;
            try {
                client = HazelcastClients.validationClient(checked.cluster(), VALIDATE_CONNECT_TIMEOUT_MS);
            } catch (HazelcastClients.UnreachableException e) {
                validation.value(HazelcastClusterConfig.MEMBERS_CONFIG).addErrorMessage(e.getMessage());
                return validation.result();
            }
            try {
                checked.statements().stream()
                        .filter(s -> StructureType.of(s.withType().orElseThrow()) == StructureType.MAP_JOURNAL)
                        .map(KcqlStatement::source).distinct()
                        .forEach(map -> JournalCheck.problem(client, map).ifPresent(
                                validation.value(HazelcastSourceConfig.KCQL_CONFIG)::addErrorMessage));
            } finally {
                client.shutdown();
            }
        }
        return validation.result();
    }
}
