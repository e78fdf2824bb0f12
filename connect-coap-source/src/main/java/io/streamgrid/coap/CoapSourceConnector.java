package io.streamgrid.coap;

import io.streamgrid.coap.server.CoapServerConfig;
import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.metrics.TaskIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;

/** Kafka Connect source that observes, polls or discovers CoAP resources, or takes what devices send; KCQL. */
public class CoapSourceConnector extends SourceConnector {

    /** Validation waits this long for the servers to answer. */
    static final long VALIDATE_TIMEOUT_MS = 3_000;
    /** Validation asks at most this many resources (the first of each server first). */
    static final int VALIDATE_MAX_PROBES = 20;

    private Map<String, String> props;
    private CoapSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = CoapSourceConfig.ALIASES.resolveAndWarn(props);
        this.config = new CoapSourceConfig(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CoapSourceTask.class;
    }

    /**
     * Client mode: the servers (or, with fewer servers than tasks, the statements) spread over the tasks. Server mode:
     * {@code maxTasks} tasks, each with every statement, listening on the same ports (or port + task number).
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (config.serverMode()) {
            List<Map<String, String>> configs = new ArrayList<>();
            for (int i = 0; i < maxTasks; i++) {
                configs.add(new HashMap<>(props));
            }
            return TaskIds.number(configs);
        }
        return TaskUnits.spread(props, CoapSourceConfig.KCQL_CONFIG, config.statements(),
                config.statements().stream().map(CoapStatement::compile).toList(), config.servers(), maxTasks);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CoapSourceConfig.CONFIG_DEF;
    }

    /**
     * Checks every key (old names too), then what needs several keys (the statements against the mode, the servers
     * a client reads, the files a server reads), then, in client mode, asks the servers for their resources: no answer
     * is reported on the URIs, a resource that does not exist (4.04) on the KCQL, DTLS settings that cannot be used on
     * their key.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(CoapSourceConfig.ALIASES, connectorConfigs, super::validate);
        BadMessagePolicy.check(validation, CoapSourceConfig.PREFIX);
        Map<String, String> resolved = validation.resolved();
        Map<String, ConfigValue> byName = validation.byName();
        Config result = validation.result();
        if (!validation.noErrors()) {
            return result;
        }
        CoapSourceConfig checked;
        try {
            checked = new CoapSourceConfig(resolved);
        } catch (ConfigException e) {
            byName.get(CoapEndpoints.keyNamedIn(e, byName.keySet(), CoapSourceConfig.KCQL_CONFIG))
                    .addErrorMessage(e.getMessage());
            return result;
        }
        if (checked.serverMode()) {
            checkServerMode(checked, byName);
        } else {
            checkServers(resolved, byName);
        }
        return result;
    }

    /** The files server mode reads, read now, so that a path that a worker cannot read is told before it starts. */
    private static void checkServerMode(CoapSourceConfig config, Map<String, ConfigValue> byName) {
        CoapServerConfig server = config.server();
        if (!server.allowInsecure() && !server.dtls()) {
            byName.get(CoapServerConfig.PSK_FILE_CONFIG).addErrorMessage(CoapServerConfig.NO_AUTHENTICATION);
        }
        for (String key : List.of(CoapServerConfig.PSK_FILE_CONFIG, CoapServerConfig.CERT_CONFIG,
                CoapServerConfig.KEY_CONFIG, CoapServerConfig.CA_CERT_CONFIG)) {
            String file = config.getString(key).trim();
            if (!file.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
                byName.get(key).addErrorMessage("cannot read " + file);
            }
        }
    }

    private static void checkServers(Map<String, String> props, Map<String, ConfigValue> byName) {
        Map<String, String> probe = new HashMap<>(props);
        probe.put(CoapSourceConfig.BIND_PORT_CONFIG, "0");
        CoapSourceConfig config = new CoapSourceConfig(probe);
        List<CoapStatement> statements = config.statements().stream().map(CoapStatement::compile).toList();
        List<TaskUnits.Unit> units = probes(TaskUnits.all(statements, config.servers()));
        if (units.isEmpty()) {
            return;
        }
        boolean plain = units.stream().anyMatch(u -> !u.server().secure());
        boolean secure = units.stream().anyMatch(u -> u.server().secure());
        String firstSecure = units.stream().map(TaskUnits.Unit::server).filter(CoapUri::secure).map(CoapUri::base)
                .findFirst().orElse(null);
        ClientEndpoints endpoints;
        try {
            endpoints = ClientEndpoints.open(config.client(), plain, secure, CoapSourceConfig.URI_CONFIG, firstSecure);
        } catch (ConfigException e) {
            byName.get(CoapEndpoints.keyNamedIn(e, byName.keySet(), CoapSourceConfig.URI_CONFIG))
                    .addErrorMessage(e.getMessage());
            return;
        } catch (IOException e) {
            byName.get(CoapSourceConfig.BIND_HOST_CONFIG).addErrorMessage("cannot open a UDP socket: " + e.getMessage());
            return;
        }
        try {
            List<CompletableFuture<CoapResponse>> answers = new ArrayList<>();
            List<CoapClient> clients = new ArrayList<>();
            for (TaskUnits.Unit unit : units) {
                CoapUri resource = unit.server().resource(unit.statement().resource());
                CoapClient client = new CoapClient(resource.toString());
                client.setEndpoint(endpoints.forUri(resource));
                client.setTimeout(VALIDATE_TIMEOUT_MS);
                clients.add(client);
                CompletableFuture<CoapResponse> answer = new CompletableFuture<>();
                answers.add(answer);
                client.get(new CoapHandler() {
                    @Override
                    public void onLoad(CoapResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError() {
                        answer.complete(null);
                    }
                });
            }
            Set<String> silent = new LinkedHashSet<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(VALIDATE_TIMEOUT_MS + 500);
            for (int i = 0; i < units.size(); i++) {
                TaskUnits.Unit unit = units.get(i);
                CoapResponse response = await(answers.get(i), deadline);
                if (response == null) {
                    silent.add(unit.server().base());
                } else if (!response.isSuccess()) {
                    byName.get(CoapSourceConfig.KCQL_CONFIG).addErrorMessage("Resource '" + unit.statement().resource()
                            + "' of " + unit.server().base() + " answered " + response.getCode() + " "
                            + response.getCode().name() + " (statement: " + unit.statement() + ")");
                }
            }
            clients.forEach(CoapClient::shutdown);
            if (!silent.isEmpty()) {
                boolean secureSilent = silent.stream().anyMatch(s -> s.startsWith("coaps"));
                byName.get(CoapSourceConfig.URI_CONFIG).addErrorMessage("No answer from " + String.join(", ", silent)
                        + " within " + VALIDATE_TIMEOUT_MS + " ms" + (secureSilent ? " (is the server up, and do "
                        + "the DTLS credentials match it? a failed handshake looks the same)" : ""));
            }
        } finally {
            endpoints.destroy();
        }
    }

    /** The units validation asks about: the first of each server first, then the rest, at most the cap. */
    private static List<TaskUnits.Unit> probes(List<TaskUnits.Unit> all) {
        List<TaskUnits.Unit> first = new ArrayList<>();
        List<TaskUnits.Unit> rest = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (TaskUnits.Unit unit : all) {
            if (unit.server() == null) {
                continue; // the servers of a Resource Directory come and go
            }
            (seen.add(unit.server().base()) ? first : rest).add(unit);
        }
        first.addAll(rest);
        return first.subList(0, Math.min(VALIDATE_MAX_PROBES, first.size()));
    }

    private static CoapResponse await(CompletableFuture<CoapResponse> answer, long deadlineNanos) {
        try {
            return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
