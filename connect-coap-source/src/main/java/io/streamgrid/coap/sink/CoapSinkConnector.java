package io.streamgrid.coap.sink;

import io.streamgrid.coap.CoapClientConfig;
import io.streamgrid.coap.CoapEndpoints;
import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.SinkTopics;
import io.streamgrid.common.metrics.TaskIds;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Kafka Connect sink that sends each record to a CoAP device (PUT, POST or DELETE to a URI made from the record),
 * configured with KCQL, and writes every request's outcome to Kafka through its reporter.
 */
public class CoapSinkConnector extends SinkConnector {

    private static final ConfigAliases NO_ALIASES = new ConfigAliases(Map.of(), Map.of());
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** How long validate waits for the reporter's brokers. */
    private static final Duration REPORTER_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        new CoapSinkConfig(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CoapSinkTask.class;
    }

    /** Every task runs every statement; Kafka spreads the partitions, and each task has its own socket. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskIds.number(Collections.nCopies(maxTasks, props));
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CoapSinkConfig.CONFIG_DEF;
    }

    /**
     * Every key, then settings that only make sense together: the reporter's brokers and topics (asked whether the
     * topics are there), the producer settings, a fixed port with several tasks or sockets, the topics and the
     * statements, the DTLS material for coaps:// statements. Each error on the key at fault. Devices are not asked:
     * the URIs come from the records.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(NO_ALIASES, connectorConfigs, super::validate);
        if (!validation.noErrors()) {
            return validation.result();
        }
        CoapSinkConfig config = new CoapSinkConfig(validation.resolved());
        checkReporter(config, validation);
        List<DeviceStatement> statements = config.statements().stream().map(DeviceStatement::compile).toList();
        SinkTopics.mismatch(validation.resolved(), config.statements())
                .ifPresent(validation.value(CoapSinkConfig.KCQL_CONFIG)::addErrorMessage);
        boolean anyPlain = statements.stream().anyMatch(s -> !s.secure());
        boolean anySecure = statements.stream().anyMatch(DeviceStatement::secure);
        CoapClientConfig client = config.client();
        if (client.bindPort() != 0) {
            int tasks = tasksMax(validation.resolved());
            if (tasks > 1) {
                validation.value(CoapClientConfig.BIND_PORT_CONFIG).addErrorMessage("each task needs its own UDP "
                        + "port, and tasks.max is " + tasks + ": leave " + CoapClientConfig.BIND_PORT_CONFIG + " at 0");
            } else if (anyPlain && anySecure) {
                validation.value(CoapClientConfig.BIND_PORT_CONFIG).addErrorMessage("the statements send to coap:// "
                        + "and coaps:// devices, which takes two UDP sockets: leave " + CoapClientConfig.BIND_PORT_CONFIG
                        + " at 0");
            }
        }
        if (anySecure) {
            DeviceStatement first = statements.stream().filter(DeviceStatement::secure).findFirst().orElseThrow();
            try {
                CoapEndpoints.create(client, true, CoapSinkConfig.KCQL_CONFIG, first.toString()).destroy();
            } catch (ConfigException e) {
                validation.value(CoapEndpoints.keyNamedIn(e, validation.byName().keySet(), CoapSinkConfig.KCQL_CONFIG))
                        .addErrorMessage(e.getMessage());
            }
        }
        return validation.result();
    }

    /** tasks.max, or 1 when it is no number: the worker reports that itself, on its own key. */
    private static int tasksMax(Map<String, String> props) {
        try {
            return Integer.parseInt(props.getOrDefault("tasks.max", "1").trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static void checkReporter(CoapSinkConfig config, AliasedValidation validation) {
        boolean brokers = !config.reporterBootstrapServers().isEmpty();
        for (String key : List.of(CoapSinkConfig.REPORTER_RESULT_TOPIC_CONFIG, CoapSinkConfig.REPORTER_ERROR_TOPIC_CONFIG)) {
            String topic = config.getString(key).trim();
            if (topic.isEmpty()) {
                continue;
            }
            if (!brokers) {
                validation.value(key).addErrorMessage("the reporter writes to '" + topic + "' only with brokers: set "
                        + CoapSinkConfig.REPORTER_BOOTSTRAP_CONFIG);
            } else if (!KAFKA_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                validation.value(key).addErrorMessage("'" + topic + "' is not a Kafka topic name (letters, digits, "
                        + "'.', '_' and '-', at most 249)");
            }
        }
        if (!brokers) {
            return;
        }
        if (config.resultTopic().isEmpty() && config.errorTopic().isEmpty()) {
            validation.value(CoapSinkConfig.REPORTER_BOOTSTRAP_CONFIG).addErrorMessage("the reporter has brokers but "
                    + "no topic: set " + CoapSinkConfig.REPORTER_RESULT_TOPIC_CONFIG + " or "
                    + CoapSinkConfig.REPORTER_ERROR_TOPIC_CONFIG + " (or both), or leave the brokers empty");
            return;
        }
        try {
            new ProducerConfig(OutcomeReporter.producerConfig(config.reporterBootstrapServers(), "validate",
                    config.reporterProducerOverrides()));
        } catch (ConfigException e) {
            validation.value(CoapSinkConfig.REPORTER_BOOTSTRAP_CONFIG).addErrorMessage("the reporter's producer "
                    + "settings (" + CoapSinkConfig.REPORTER_PRODUCER_PREFIX + "*) are not valid: " + e.getMessage());
            return;
        }
        if (!validation.noErrors()) {
            return;
        }
        checkReporterTopics(config, validation);
    }

    /**
     * Asks the reporter's brokers whether its topics are there: the reporter does not create them, and a producer
     * writing to a topic that is not there waits for it at every report.
     */
    private static void checkReporterTopics(CoapSinkConfig config, AliasedValidation validation) {
        Map<String, String> keyByTopic = new LinkedHashMap<>();
        if (!config.resultTopic().isEmpty()) {
            keyByTopic.put(config.resultTopic(), CoapSinkConfig.REPORTER_RESULT_TOPIC_CONFIG);
        }
        if (!config.errorTopic().isEmpty()) {
            keyByTopic.putIfAbsent(config.errorTopic(), CoapSinkConfig.REPORTER_ERROR_TOPIC_CONFIG);
        }
        String brokers = config.reporterBootstrapServers();
        Admin admin = Admin.create(OutcomeReporter.adminConfig(brokers, config.reporterProducerOverrides(),
                REPORTER_CHECK_TIMEOUT));
        try {
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(keyByTopic.keySet())
                    .topicNameValues();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
                try {
                    topic.getValue().get(REPORTER_CHECK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof UnknownTopicOrPartitionException) {
                        validation.value(keyByTopic.get(topic.getKey())).addErrorMessage("the topic '" + topic.getKey()
                                + "' does not exist on the reporter's brokers " + brokers + ": create it (the "
                                + "reporter does not)");
                        continue;
                    }
                    validation.value(CoapSinkConfig.REPORTER_BOOTSTRAP_CONFIG).addErrorMessage(
                            unreachable(brokers, cause));
                    return;
                } catch (TimeoutException e) {
                    validation.value(CoapSinkConfig.REPORTER_BOOTSTRAP_CONFIG).addErrorMessage(unreachable(brokers, e));
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static String unreachable(String brokers, Throwable cause) {
        return "cannot reach the reporter's brokers " + brokers + " to look for its topics within "
                + REPORTER_CHECK_TIMEOUT.toMillis() + " ms: " + cause;
    }
}
