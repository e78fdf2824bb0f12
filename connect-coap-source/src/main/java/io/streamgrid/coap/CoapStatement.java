package io.streamgrid.coap;

import io.streamgrid.coap.server.RequestStatement;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.KcqlException;
import io.streamgrid.kcql.KcqlStatement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;

/**
 * One client-mode statement at work: which resource (or, for {@code .well-known/core}, which discovered resources),
 * on which servers (each of {@code connect.coap.uri}, or the one its FROM names in a whole URI, or those a CoRE
 * Resource Directory lists), how it is read (observed, polled, discovered), and what the record keeps of each
 * response ({@link MessageShape}).
 */
final class CoapStatement {

    enum Mode { OBSERVE, POLL, DISCOVER }

    static final String DISCOVERY_PATH = ".well-known/core";
    static final String MODE = "mode";
    static final String INTERVAL = "interval.ms";
    static final String RESOURCE_TYPE = "rt";
    static final String INTERFACE = "if";
    static final String DISCOVERY_INTERVAL = "discovery.interval.ms";
    static final String RESOURCE_DIRECTORY = "rd";
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(60);
    private static final Set<String> PROPERTIES = Set.of(MODE, INTERVAL, RESOURCE_TYPE, INTERFACE, DISCOVERY_INTERVAL,
            RESOURCE_DIRECTORY);

    private final KcqlStatement statement;
    private final String resource;
    /** The server a whole-URI FROM names, else null (the statement reads every server of connect.coap.uri). */
    private final CoapUri server;
    /** The Resource Directory lookup URI of PROPERTIES('rd' = ...), else null. */
    private final CoapUri directory;
    private final Mode mode;
    private final Duration interval;
    private final String resourceType;
    private final String interfaceDescription;
    private final NameTemplate targetTemplate;
    private final MessageShape shape;

    private CoapStatement(KcqlStatement statement, String resource, CoapUri server, CoapUri directory, Mode mode,
                          Duration interval, String resourceType, String interfaceDescription, MessageShape shape) {
        this.statement = statement;
        this.resource = resource;
        this.server = server;
        this.directory = directory;
        this.mode = mode;
        this.interval = interval;
        this.resourceType = resourceType;
        this.interfaceDescription = interfaceDescription;
        this.targetTemplate = NameTemplate.parse(statement.target());
        this.shape = shape;
    }

    static void check(KcqlStatement statement) {
        compile(statement);
    }

    static CoapStatement compile(KcqlStatement statement) {
        String target = statement.target();
        NameTemplate template = TopicNames.template(statement);
        for (String reference : template.references()) {
            if (!reference.equals("resource") && !reference.equals("host")) {
                throw statement.errorAt(statement.positionAfter("INTO", target), target, "'${" + reference + "}': a "
                        + "CoAP statement names its Kafka topic after ${resource} (the resource path) or ${host}");
            }
        }
        String source = statement.source().trim();
        CoapUri server = null;
        String resource = source.startsWith("/") ? source.substring(1) : source;
        if (CoapUri.isAbsolute(source)) {
            CoapUri whole;
            try {
                whole = CoapUri.parse(source);
            } catch (IllegalArgumentException e) {
                throw statement.errorAt(statement.positionAfter("FROM", statement.source()), statement.source(),
                        "'" + source + "' is not a CoAP URI: " + e.getMessage());
            }
            server = whole.server();
            resource = whole.path() + (whole.query() == null ? "" : "?" + whole.query());
        }
        String path = resource.contains("?") ? resource.substring(0, resource.indexOf('?')) : resource;
        if (path.contains("+") || path.contains("#")) {
            throw statement.errorAt(statement.positionAfter("FROM", statement.source()), statement.source(), "'+' and "
                    + "'#' filter the paths devices send to in server mode (connect.coap.mode=server); in client mode "
                    + "FROM names a resource");
        }
        Map<String, String> properties = statement.properties();
        for (String key : properties.keySet()) {
            if (!PROPERTIES.contains(key)) {
                throw propertyError(statement, "unknown property '" + key + "'; a CoAP statement takes " + PROPERTIES
                        + " (in server mode: " + RequestStatement.PROPERTIES + ")");
            }
        }
        boolean discovery = resource.equals(DISCOVERY_PATH) || resource.startsWith(DISCOVERY_PATH + "?");
        String modeName = properties.getOrDefault(MODE, "observe").trim().toLowerCase(Locale.ROOT);
        if (!modeName.equals("observe") && !modeName.equals("poll")) {
            throw propertyError(statement, "mode is observe or poll, not " + properties.get(MODE));
        }
        Mode mode = discovery ? Mode.DISCOVER : modeName.equals("poll") ? Mode.POLL : Mode.OBSERVE;
        if (discovery && modeName.equals("poll")) {
            throw propertyError(statement, "FROM " + DISCOVERY_PATH + " observes what it discovers; it cannot poll");
        }
        if (!discovery && (properties.containsKey(RESOURCE_TYPE) || properties.containsKey(INTERFACE)
                || properties.containsKey(DISCOVERY_INTERVAL) || properties.containsKey(RESOURCE_DIRECTORY))) {
            throw propertyError(statement, "rt, if, rd and discovery.interval.ms apply to FROM " + DISCOVERY_PATH);
        }
        CoapUri directory = null;
        if (properties.containsKey(RESOURCE_DIRECTORY)) {
            String rd = properties.get(RESOURCE_DIRECTORY).trim();
            try {
                directory = CoapUri.parse(rd);
            } catch (IllegalArgumentException e) {
                throw propertyError(statement, "rd is the Resource Directory's lookup URI, e.g. "
                        + "coap://rd.example/rd-lookup/res?rt=temperature, not " + rd + ": " + e.getMessage());
            }
            if (server != null) {
                throw propertyError(statement, "with rd the Resource Directory names the servers; FROM "
                        + DISCOVERY_PATH + " without a server");
            }
        }
        Duration interval = millis(statement, discovery ? DISCOVERY_INTERVAL : INTERVAL,
                discovery ? DEFAULT_DISCOVERY_INTERVAL : DEFAULT_POLL_INTERVAL);
        MessageShape shape = MessageShape.compile(statement, CoapRecords.VALUE_SCHEMA, "CoAP response", List.of());
        return new CoapStatement(statement, discovery ? DISCOVERY_PATH : resource, server, directory, mode, interval,
                properties.get(RESOURCE_TYPE), properties.get(INTERFACE), shape);
    }

    private static Duration millis(KcqlStatement statement, String key, Duration fallback) {
        String value = statement.properties().get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms >= 10) {
                return Duration.ofMillis(ms);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw propertyError(statement, key + " is a number of milliseconds, at least 10, not " + value);
    }

    static KcqlException propertyError(KcqlStatement statement, String reason) {
        return statement.errorAt(statement.clausePositions().getOrDefault(Clause.PROPERTIES, statement.start()),
                "PROPERTIES", reason);
    }

    /** The records of one response of {@code resource}; bad data: DataException. */
    MessageShape.Result shape(Struct response, String resourcePath) {
        return shape.shape(response, resourcePath);
    }

    /**
     * The Kafka topic of a resource's records: the target, with {@code ${resource}} the resource path ('/' as '.',
     * other characters a topic name cannot hold as '_') and {@code ${host}} the server's host.
     */
    String topicFor(CoapUri resource) {
        if (targetTemplate.isConstant()) {
            return statement.target();
        }
        return targetTemplate.resolve(reference -> reference.equals("host") ? TopicNames.safe(resource.host())
                : TopicNames.safe(resource.path() == null ? "" : resource.path().replace('/', '.')));
    }

    /** The resource path (without leading '/'), or {@code .well-known/core} for a discovery statement. */
    String resource() {
        return resource;
    }

    /** The server a whole-URI FROM names, or null: the statement reads each server of connect.coap.uri. */
    CoapUri server() {
        return server;
    }

    /** The Resource Directory lookup of PROPERTIES('rd' = ...), or null. */
    CoapUri directory() {
        return directory;
    }

    /** Whether the statement reads the servers of connect.coap.uri (its FROM is a path, and it has no rd). */
    boolean readsListedServers() {
        return server == null && directory == null;
    }

    Mode mode() {
        return mode;
    }

    Duration interval() {
        return interval;
    }

    /** Whether a discovered link belongs to this statement: observable, with the wanted rt and if, if any. */
    boolean wants(List<String> resourceTypes, List<String> interfaces, boolean observable) {
        return observable && (resourceType == null || resourceTypes.contains(resourceType))
                && (interfaceDescription == null || interfaces.contains(interfaceDescription));
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
