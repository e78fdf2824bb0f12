package io.streamgrid.mqtt.sink;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.SinkTopics;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.mqtt.connection.BrokerCheck;
import io.streamgrid.mqtt.connection.MqttConnectionConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Kafka Connect sink that publishes records to MQTT topics (Paho, MQTT 3.1.1 or 5), configured with KCQL; offsets
 * are committed only for records the broker has acknowledged. It shares the MQTT plugin's client, TLS and connection
 * settings with {@link io.streamgrid.mqtt.MqttSourceConnector}.
 */
public class MqttSinkConnector extends SinkConnector {

    /** How long validate waits for the broker: the REST call must answer within a few seconds. */
    private static final Duration VALIDATE_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = MqttSinkConfig.ALIASES.resolveAndWarn(props);
        new MqttSinkConfig(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSinkTask.class;
    }

    /** Every task runs every statement; Kafka spreads the partitions, and each task connects with its own client id. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskIds.number(Collections.nCopies(maxTasks, props));
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return MqttSinkConfig.CONFIG_DEF;
    }

    /**
     * Every key (old names too), then settings that only make sense together, then whether the broker takes the
     * connection; each error on the key at fault.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        AliasedValidation validation = validateSettings(connectorConfigs);
        if (validation.noErrors()) { // the network check last, and only for an otherwise valid config
            BrokerCheck.check(new MqttSinkConfig(validation.resolved()).connection(), VALIDATE_CONNECT_TIMEOUT)
                    .ifPresent(problem -> problem.attachTo(validation));
        }
        return validation.result();
    }

    /** The checks of {@link #validate} that need no broker. */
    AliasedValidation validateSettings(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(MqttSinkConfig.ALIASES, connectorConfigs, super::validate);
        MqttConnectionConfig.check(validation);
        if (validation.noErrors()) {
            MqttSinkConfig config = new MqttSinkConfig(validation.resolved());
            List<KcqlStatement> statements = config.statements();
            SinkTopics.mismatch(validation.resolved(), statements)
                    .ifPresent(validation.value(MqttSinkConfig.KCQL_CONFIG)::addErrorMessage);
            if (!config.connection().mqtt5() && statements.stream()
                    .anyMatch(s -> SinkStatement.compile(s, 1, 1, false).setsMqtt5Properties())) {
                validation.value(MqttSinkConfig.KCQL_CONFIG).addErrorMessage(MqttSinkTask.mqtt5PropertiesProblem());
            }
        }
        return validation;
    }
}
