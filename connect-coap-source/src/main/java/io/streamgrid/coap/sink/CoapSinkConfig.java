package io.streamgrid.coap.sink;

import io.streamgrid.coap.CoapClientConfig;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.config.ErrorPolicyConfig;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** The CoAP sink's configuration: the single place its keys, defaults, docs and validators live. */
public final class CoapSinkConfig extends AbstractConfig {

    public static final String PREFIX = CoapClientConfig.PREFIX;
    /** The sink's own keys: connect.coap.sink.*; the endpoint, DTLS, KCQL and error keys are the source's. */
    public static final String SINK_PREFIX = PREFIX + ".sink";

    /** What the CoAP sink accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.COAP_SINK.capabilities();

    private static final String DEVICES_GROUP = "Devices";
    private static final String DTLS_GROUP = "DTLS";
    private static final String KCQL_GROUP = "KCQL";
    private static final String DELIVERY_GROUP = "Delivery";
    private static final String ERRORS_GROUP = "Errors";
    private static final String REPORTER_GROUP = "Reporter";

    public static final String KCQL_CONFIG = PREFIX + ".kcql";
    public static final String REQUEST_TIMEOUT_CONFIG = PREFIX + ".request.timeout";
    public static final String MAX_PARALLEL_CONFIG = SINK_PREFIX + ".max.parallel";
    public static final String MAX_PENDING_CONFIG = SINK_PREFIX + ".max.pending";
    public static final String MAX_PENDING_BYTES_CONFIG = SINK_PREFIX + ".max.pending.bytes";
    public static final String MAX_PENDING_PER_DEVICE_CONFIG = SINK_PREFIX + ".max.pending.per.device";
    public static final String REQUEST_RETRIES_CONFIG = SINK_PREFIX + ".request.retries";
    public static final String RETRY_BACKOFF_CONFIG = SINK_PREFIX + ".retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_CONFIG = SINK_PREFIX + ".retry.backoff.max.ms";
    public static final String ORDER_BY_CONFIG = SINK_PREFIX + ".order.by";
    public static final String ERROR_POLICY_CONFIG = PREFIX + "." + ErrorPolicyConfig.POLICY_SUFFIX;
    public static final String MAX_RETRIES_CONFIG = PREFIX + "." + ErrorPolicyConfig.MAX_RETRIES_SUFFIX;
    public static final String RETRY_INTERVAL_CONFIG = PREFIX + "." + ErrorPolicyConfig.RETRY_INTERVAL_SUFFIX;

    public static final String REPORTER_PREFIX = SINK_PREFIX + ".reporter";
    public static final String REPORTER_BOOTSTRAP_CONFIG = REPORTER_PREFIX + ".bootstrap.servers";
    public static final String REPORTER_RESULT_TOPIC_CONFIG = REPORTER_PREFIX + ".result.topic";
    public static final String REPORTER_ERROR_TOPIC_CONFIG = REPORTER_PREFIX + ".error.topic";
    public static final String REPORTER_OUTAGE_TIMEOUT_CONFIG = REPORTER_PREFIX + ".outage.timeout";
    /** Producer settings for the reporter: connect.coap.sink.reporter.producer.&lt;producer key&gt;. */
    public static final String REPORTER_PRODUCER_PREFIX = REPORTER_PREFIX + ".producer.";

    /** What a request's order is kept per: each resource, or each device address (host and port). */
    public enum OrderBy { URI, ADDRESS }

    /** The longest a request may go unanswered before it ends: an hour. */
    static final long MAX_REQUEST_TIMEOUT_MS = 3_600_000L;

    /** The most records a task may hold: the bound keeps what is sized from it within an int. */
    static final int MAX_PENDING_LIMIT = 1_000_000;

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<KcqlStatement> statements;

    public CoapSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = CoapClientConfig.defineSocket(def, DEVICES_GROUP, 0);
        def.define(REQUEST_TIMEOUT_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.between(100, MAX_REQUEST_TIMEOUT_MS),
                Importance.MEDIUM, "Milliseconds to wait for a device's answer to a request; then the request is tried "
                        + "again (see " + REQUEST_RETRIES_CONFIG + "). A confirmable request is retransmitted by CoAP "
                        + "meanwhile (after about 2, 6, 14 s). At most an hour: a request nothing answers, a "
                        + "non-confirmable one above all, holds its device's later records only this long.",
                DEVICES_GROUP, ++order, Width.SHORT, "Request timeout (ms)");
        CoapClientConfig.defineDtls(def, DTLS_GROUP, 0, false);
        KcqlConfig.define(def, KCQL_CONFIG, "One or more statements separated by ';', each INSERT INTO <coap uri> "
                        + "SELECT <fields> FROM <kafka topic> [IGNORE ...] [WHERE condition] [WITHFORMAT JSON|TEXT|"
                        + "BINARY|CBOR] [PROPERTIES('method' = 'PUT|POST|DELETE', 'confirmable' = 'true|false')]. "
                        + "The URI may take values from each record: coap://${host}:5683/actuators/${device_id}/led, "
                        + "${_key}, ${_header.name}, ${_topic}; a value that is missing, empty, or would change the "
                        + "URI's structure (a '/' in a path segment, '&' in a query, anything but a host name where the "
                        + "host stands) makes the record a bad record. Fields the URI reads from the value must be in "
                        + "the SELECT list. Defaults: PUT, confirmable, JSON.",
                KCQL_GROUP, 1, KCQL, DeviceStatement::check);
        order = 0;
        def.define(MAX_PARALLEL_CONFIG, Type.INT, 100, ConfigDef.Range.between(1, 65_535), Importance.MEDIUM,
                        "How many requests a task has out at once, over all devices. Requests to one device (see "
                                + ORDER_BY_CONFIG + ") go one at a time, in the order of their records.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Requests in parallel")
                .define(MAX_PENDING_CONFIG, Type.INT, 10_000, ConfigDef.Range.between(1, MAX_PENDING_LIMIT),
                        Importance.LOW, "How many records a task holds before it stops taking more: records waiting "
                                + "for their device, in flight, backing off, or waiting for the reporter. At this many "
                                + "it pauses its partitions until half of them are finished; the batch the worker "
                                + "handed over last is taken whole, so a task holds at most this many plus one batch "
                                + "(the consumer's max.poll.records, 500 by default).",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Records pending")
                .define(MAX_PENDING_BYTES_CONFIG, Type.LONG, 64L * 1024 * 1024, ConfigDef.Range.atLeast(1),
                        Importance.LOW, "How many payload bytes of requests a task holds (waiting for their device, "
                                + "in flight or backing off) before it pauses its partitions, until half of them are "
                                + "sent; as for " + MAX_PENDING_CONFIG + ", the last batch is taken whole.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Bytes pending")
                .define(MAX_PENDING_PER_DEVICE_CONFIG, Type.INT, 1_000, ConfigDef.Range.between(1, MAX_PENDING_LIMIT),
                        Importance.LOW, "How many requests one device's line (see " + ORDER_BY_CONFIG + ") holds, the "
                                + "one out included. A record past that is not queued: its request fails at once "
                                + "('the device's line is full') and " + ERROR_POLICY_CONFIG + " decides (RETRY: the "
                                + "dead-letter queue, else the task fails; NOOP drops it), so that a device that does "
                                + "not keep up, or is away while its records keep coming, cannot fill "
                                + MAX_PENDING_CONFIG + " with its own line and hold up every other device.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Requests pending per device")
                .define(REQUEST_RETRIES_CONFIG, Type.INT, 5, ConfigDef.Range.between(0, 1000), Importance.MEDIUM,
                        "How many times a request that got 5.xx, 4.29 or 4.08, no answer, or could not be sent is sent "
                                + "again, holding back the requests behind it to the same device (one round); then "
                                + ERROR_POLICY_CONFIG + " decides. Other 4.xx answers are never sent again: the "
                                + "record is a bad record.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Request retries")
                .define(RETRY_BACKOFF_CONFIG, Type.LONG, 500L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Milliseconds before the first retry of a request; each further retry waits twice as long.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Retry back-off (ms)")
                .define(RETRY_BACKOFF_MAX_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "The longest wait between two attempts of a request, in milliseconds.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Maximum retry back-off (ms)")
                .define(ORDER_BY_CONFIG, Type.STRING, "uri", ConfigDef.CaseInsensitiveValidString.in("uri", "address"),
                        Importance.LOW, "What a device is, for the order of requests: uri keeps the order of the "
                                + "records per URI (each resource, the default), address per host and port (every "
                                + "resource of a device in one line).",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Order per");
        defineErrorPolicy(def);
        order = 0;
        def.define(REPORTER_BOOTSTRAP_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Kafka brokers the reporter writes each request's outcome to, through a producer of its own "
                                + "(as Confluent's HTTP sink's reporter); empty: no reporter. Producer settings go in "
                                + REPORTER_PRODUCER_PREFIX + "<key> (e.g. " + REPORTER_PRODUCER_PREFIX
                                + "security.protocol). A record's offset is committed only once its outcome is written.",
                        REPORTER_GROUP, ++order, Width.LONG, "Reporter brokers")
                .define(REPORTER_RESULT_TOPIC_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Topic for the outcomes of delivered requests (the device answered 2.xx); empty: not written.",
                        REPORTER_GROUP, ++order, Width.MEDIUM, "Result topic")
                .define(REPORTER_ERROR_TOPIC_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Topic for the outcomes of rejected (4.xx), failed (5.xx or no answer, after the retries) "
                                + "and invalid records (no URI or payload could be made); empty: not written.",
                        REPORTER_GROUP, ++order, Width.MEDIUM, "Error topic")
                .define(REPORTER_OUTAGE_TIMEOUT_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Milliseconds the task waits out a Kafka that does not take the reports (brokers away, a "
                                + "topic gone) before it fails; 0 (the default) waits for as long as it takes. "
                                + "Meanwhile the reports are written again every second, their records wait (their "
                                + "offsets are not committed; at " + MAX_PENDING_CONFIG + " the partitions pause) and "
                                + "the metric connected is 0. Counted from the first report Kafka did not take, after "
                                + "the producer's own delivery.timeout.ms (2 minutes by default) or max.block.ms (5 s "
                                + "for the reporter). A report Kafka refuses for good (not authorized, too large) "
                                + "fails the task at once.",
                        REPORTER_GROUP, ++order, Width.SHORT, "Reporter outage timeout (ms)");
        return def;
    }

    /**
     * The shared error-policy fragment's keys (names, defaults, validators), each documented for what it does here:
     * a device's failed request is retried by the sink itself, in its own lane, not by handing the batch back to
     * the worker, so that one device away does not hold up the others.
     */
    private static void defineErrorPolicy(ConfigDef def) {
        ConfigDef fragment = ErrorPolicyConfig.define(new ConfigDef(), PREFIX, ERRORS_GROUP, 1, ErrorPolicy.RETRY);
        Map<String, String> docs = Map.of(
                ERROR_POLICY_CONFIG, "What to do with a request that still fails after " + REQUEST_RETRIES_CONFIG
                        + " (5.xx, 4.29 or 4.08, no answer, a reset, a send error). RETRY (the default) keeps the request "
                        + "at the head of its device's line and sends it again after " + RETRY_INTERVAL_CONFIG
                        + ", for at most " + MAX_RETRIES_CONFIG + " more rounds, while every other device is "
                        + "served; then the record goes to the worker's dead-letter queue "
                        + "(errors.deadletterqueue.topic.name) when it has one, else the task fails. THROW fails the "
                        + "task at once. NOOP logs the failure, counts it and drops the record. A 4.xx answer, or a "
                        + "record no request can be made of, is a bad record whatever this says: the dead-letter "
                        + "queue, else NOOP drops it and THROW and RETRY fail the task.",
                MAX_RETRIES_CONFIG, "Under RETRY, how many more rounds (each of " + REQUEST_RETRIES_CONFIG
                        + " retries) a device's failed request gets before it is given up. Counted per device "
                        + "until it answers: while it stays away, the records that waited behind get one round each.",
                RETRY_INTERVAL_CONFIG, "Under RETRY, milliseconds a device's failed request waits before its "
                        + "next round; the device's later records wait too, other devices' records do not.");
        for (ConfigDef.ConfigKey key : fragment.configKeys().values()) {
            def.define(key.name, key.type, key.defaultValue, key.validator, key.importance, docs.get(key.name),
                    key.group, key.orderInGroup, key.width, key.displayName);
        }
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    /** The client endpoint's settings, shared with the source. */
    public CoapClientConfig client() {
        return CoapClientConfig.from(this);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_CONFIG));
    }

    /** How requests go out; the rounds after a failed one only under error policy RETRY. */
    Dispatcher.Settings dispatch() {
        ErrorPolicyConfig policy = errorPolicy();
        return new Dispatcher.Settings(getInt(MAX_PARALLEL_CONFIG), getInt(MAX_PENDING_PER_DEVICE_CONFIG),
                getInt(REQUEST_RETRIES_CONFIG),
                Duration.ofMillis(getLong(RETRY_BACKOFF_CONFIG)), Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_CONFIG)),
                requestTimeout(), policy.policy() == ErrorPolicy.RETRY ? policy.maxRetries() : 0,
                policy.retryInterval());
    }

    public int maxPending() {
        return getInt(MAX_PENDING_CONFIG);
    }

    public long maxPendingBytes() {
        return getLong(MAX_PENDING_BYTES_CONFIG);
    }

    public OrderBy orderBy() {
        return OrderBy.valueOf(getString(ORDER_BY_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    public ErrorPolicyConfig errorPolicy() {
        return ErrorPolicyConfig.from(this, PREFIX);
    }

    public String reporterBootstrapServers() {
        return getString(REPORTER_BOOTSTRAP_CONFIG).trim();
    }

    public String resultTopic() {
        return getString(REPORTER_RESULT_TOPIC_CONFIG).trim();
    }

    public String errorTopic() {
        return getString(REPORTER_ERROR_TOPIC_CONFIG).trim();
    }

    /** Whether outcomes are written to Kafka at all. */
    public boolean reports() {
        return !reporterBootstrapServers().isEmpty() && (!resultTopic().isEmpty() || !errorTopic().isEmpty());
    }

    /** How long a Kafka that takes no reports is waited out; zero: for as long as it takes. */
    public Duration reporterOutageTimeout() {
        return Duration.ofMillis(getLong(REPORTER_OUTAGE_TIMEOUT_CONFIG));
    }

    /** The user's producer settings for the reporter, without their prefix. */
    public Map<String, Object> reporterProducerOverrides() {
        return originalsWithPrefix(REPORTER_PRODUCER_PREFIX);
    }

    /** Writes docs/coap-sink-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws IOException {
        ConfigDocs.writeReference("CoAP sink configuration", CONFIG_DEF, args);
    }
}
