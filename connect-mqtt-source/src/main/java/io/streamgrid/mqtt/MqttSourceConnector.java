package io.streamgrid.mqtt;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.KcqlStatement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
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
            BrokerCheck.check(new MqttSourceConfig(validation.resolved()), VALIDATE_CONNECT_TIMEOUT)
                    .ifPresent(problem -> java.util.Optional.ofNullable(validation.value(problem.key()))
                            .orElse(validation.value(MqttSourceConfig.HOSTS_CONFIG)).addErrorMessage(problem.message()));
        }
        return validation.result();
    }

    /** The checks of {@link #validate} that need no broker: every key, and settings that only work together. */
    AliasedValidation validateSettings(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(MqttSourceConfig.ALIASES, connectorConfigs, super::validate);
        Map<String, String> resolved = validation.resolved();
        Map<String, ConfigValue> byName = validation.byName();
        if (byName.get(MqttSourceConfig.HOSTS_CONFIG).errorMessages().isEmpty()) {
            boolean tls = hostsUseTls(resolved);
            for (String key : List.of(MqttSourceConfig.SSL_CA_CERT_CONFIG, MqttSourceConfig.SSL_CERT_CONFIG,
                    MqttSourceConfig.SSL_KEY_CONFIG, MqttSourceConfig.SSL_TRUSTSTORE_CONFIG,
                    MqttSourceConfig.SSL_KEYSTORE_CONFIG)) {
                String value = resolved.get(key);
                if (!tls && value != null && !value.isBlank()) {
                    byName.get(key).addErrorMessage(key + " is set, but the hosts are plain tcp://; use ssl:// hosts "
                            + "for TLS, or remove it");
                }
            }
        }
        boolean cert = present(resolved, MqttSourceConfig.SSL_CERT_CONFIG);
        boolean key = present(resolved, MqttSourceConfig.SSL_KEY_CONFIG);
        if (cert != key) {
            String missing = cert ? MqttSourceConfig.SSL_KEY_CONFIG : MqttSourceConfig.SSL_CERT_CONFIG;
            byName.get(missing).addErrorMessage("a client certificate needs both " + MqttSourceConfig.SSL_CERT_CONFIG
                    + " and " + MqttSourceConfig.SSL_KEY_CONFIG);
        }
        if (present(resolved, MqttSourceConfig.PASSWORD_CONFIG) && !present(resolved, MqttSourceConfig.USERNAME_CONFIG)) {
            byName.get(MqttSourceConfig.USERNAME_CONFIG).addErrorMessage("a password needs a user name");
        }
        BadMessagePolicy.check(validation, MqttSourceConfig.PREFIX);
        return validation;
    }

    private static boolean hostsUseTls(Map<String, String> props) {
        String hosts = props.get(MqttSourceConfig.HOSTS_CONFIG);
        return hosts != null && List.of(hosts.split(",")).stream().map(String::trim).filter(h -> !h.isEmpty())
                .map(MqttSourceConfig::pahoUri).anyMatch(h -> h.startsWith("ssl://"));
    }

    private static boolean present(Map<String, String> props, String key) {
        String value = props.get(key);
        return value != null && !value.isBlank();
    }
}
