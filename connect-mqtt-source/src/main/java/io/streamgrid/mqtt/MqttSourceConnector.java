package io.streamgrid.mqtt;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.mqtt.connection.BrokerCheck;
import io.streamgrid.mqtt.connection.MqttConnectionConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/** Kafka Connect source that takes messages from MQTT topics, configured with KCQL. */
public class MqttSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private MqttSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = MqttSourceConfig.ALIASES.resolveAndWarn(props);
        this.config = new MqttSourceConfig(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSourceTask.class;
    }

    /**
     * Plain statements are spread over the tasks; a {@code $share} statement runs on every task, each with its
     * own client id, so the broker spreads the shared messages over them.
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return taskConfigs(props, config.statements(), maxTasks);
    }

    /** Statements round robin over the tasks; a shared subscription ($share) on every task, the broker balancing it. */
    static List<Map<String, String>> taskConfigs(Map<String, String> props, List<KcqlStatement> statements,
                                                 int maxTasks) {
        List<Map<String, String>> configs = KcqlConfig.spread(props, MqttSourceConfig.KCQL_CONFIG, statements,
                s -> TopicFilters.isShared(s.source()), maxTasks);
        for (int i = 0; i < configs.size(); i++) {
            configs.get(i).put(MqttSourceConfig.TASK_INDEX_CONFIG, String.valueOf(i));
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return MqttSourceConfig.CONFIG_DEF;
    }

    /** How long validate waits for the broker: the REST call must answer within a few seconds. */
    private static final java.time.Duration VALIDATE_CONNECT_TIMEOUT = java.time.Duration.ofSeconds(5);

    /**
     * Every key (old names too), then settings that only make sense together, then whether the broker takes the
     * connection; each error on the key at fault.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        AliasedValidation validation = validateSettings(connectorConfigs);
        if (validation.noErrors()) { // the network check last, and only for an otherwise valid config
            BrokerCheck.check(new MqttSourceConfig(validation.resolved()).connection(), VALIDATE_CONNECT_TIMEOUT)
                    .ifPresent(problem -> problem.attachTo(validation));
        }
        return validation.result();
    }

    /** The checks of {@link #validate} that need no broker: every key, and settings that only work together. */
    AliasedValidation validateSettings(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(MqttSourceConfig.ALIASES, connectorConfigs, super::validate);
        MqttConnectionConfig.check(validation);
        BadMessagePolicy.check(validation, MqttSourceConfig.PREFIX);
        return validation;
    }
}
