package io.streamgrid.coap;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.KcqlStatement;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.exception.ConnectorException;

/** Kafka Connect source that observes, polls or discovers CoAP resources, configured with KCQL. */
public class CoapSourceConnector extends SourceConnector {

    /** Validation waits this long for the server to answer. */
    static final long VALIDATE_TIMEOUT_MS = 3_000;

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

    /** Statements are spread over the tasks, round robin. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return KcqlConfig.spread(props, CoapSourceConfig.KCQL_CONFIG, config.statements(), s -> false, maxTasks);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CoapSourceConfig.CONFIG_DEF;
    }

    /**
     * Checks every key (old names too), then asks the server for each resource: no answer is reported on the
     * URI, a resource that does not exist (4.04) on the KCQL, DTLS settings that cannot be used on their key.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        AliasedValidation validation = AliasedValidation.of(CoapSourceConfig.ALIASES, connectorConfigs, super::validate);
        BadMessagePolicy.check(validation, CoapSourceConfig.PREFIX);
        Map<String, String> resolved = validation.resolved();
        Map<String, ConfigValue> byName = validation.byName();
        Config result = validation.result();
        if (validation.noErrors()) {
            checkServer(resolved, byName);
        }
        return result;
    }

    private static void checkServer(Map<String, String> props, Map<String, ConfigValue> byName) {
        Map<String, String> probe = new HashMap<>(props);
        probe.put(CoapSourceConfig.BIND_PORT_CONFIG, "0");
        CoapSourceConfig config = new CoapSourceConfig(probe);
        Endpoint endpoint;
        try {
            endpoint = CoapEndpoints.create(config.client(), config.server().secure(), CoapSourceConfig.URI_CONFIG,
                    config.server().base());
            endpoint.start();
        } catch (ConfigException e) {
            byName.get(CoapEndpoints.keyNamedIn(e, byName.keySet(), CoapSourceConfig.URI_CONFIG))
                    .addErrorMessage(e.getMessage());
            return;
        } catch (IOException e) {
            byName.get(CoapSourceConfig.BIND_HOST_CONFIG).addErrorMessage("cannot open a UDP socket: " + e.getMessage());
            return;
        }
        try {
            CoapUri server = config.server();
            for (KcqlStatement statement : config.statements()) {
                CoapStatement compiled = CoapStatement.compile(statement);
                CoapUri resource = server.resource(compiled.resource());
                CoapClient client = new CoapClient(resource.toString());
                client.setEndpoint(endpoint);
                client.setTimeout(VALIDATE_TIMEOUT_MS);
                CoapResponse response;
                try {
                    response = client.get();
                } catch (ConnectorException | IOException e) {
                    byName.get(CoapSourceConfig.URI_CONFIG).addErrorMessage("Cannot reach " + server.base() + ": "
                            + e.getMessage());
                    return;
                } finally {
                    client.shutdown();
                }
                if (response == null) {
                    byName.get(CoapSourceConfig.URI_CONFIG).addErrorMessage("No answer from " + server.base()
                            + " within " + VALIDATE_TIMEOUT_MS + " ms" + (server.secure()
                            ? " (is the server up, and do the DTLS credentials match it? a failed handshake looks the same)"
                            : ""));
                    return;
                }
                if (!response.isSuccess()) {
                    byName.get(CoapSourceConfig.KCQL_CONFIG).addErrorMessage("Resource '" + compiled.resource()
                            + "' of " + server.base() + " answered " + response.getCode() + " "
                            + response.getCode().name() + " (statement: " + statement.text() + ")");
                }
            }
        } finally {
            endpoint.destroy();
        }
    }
}
