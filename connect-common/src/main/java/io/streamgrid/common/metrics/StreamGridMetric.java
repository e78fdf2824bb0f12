package io.streamgrid.common.metrics;

/**
 * Every metric a StreamGrid task registers, the same in every connector; the metrics reference
 * (docs/metrics.md) is generated from these descriptions. A metric that does not apply to a connector is
 * still registered and stays 0, so one dashboard fits all.
 */
public enum StreamGridMetric {
    RECORDS_IN_TOTAL("records-in-total", "Records taken in: Kafka records given to a sink's put(); MQTT messages, "
            + "CoAP responses or (CoAP source in server mode) device requests that reached a source's queue.",
            "Grows while data flows."),
    RECORDS_IN_RATE("records-in-rate", "Records taken in per second (records-in-total over the last 60 s).",
            "The device or topic rate."),
    RECORDS_OUT_TOTAL("records-out-total", "Records delivered: entries Hazelcast acknowledged, one per "
            + "statement that writes the record (sink); messages the MQTT broker acknowledged, one per statement that "
            + "publishes the record (MQTT sink; QoS 0: written to the connection); requests a device answered 2.xx, "
            + "one per statement that sends the record (CoAP sink); records Kafka acknowledged (sources).", "Follows records-in-total, less what is skipped, dropped, "
            + "filtered or dead-lettered."),
    RECORDS_OUT_RATE("records-out-rate", "Records delivered per second (records-out-total over the last 60 s).",
            "Close to records-in-rate."),
    BATCHES_TOTAL("batches-total", "Batches handed on: write calls to Hazelcast (sink); the messages of one "
            + "put() call (MQTT sink); requests a device answered, "
            + "retries included (CoAP sink); non-empty poll() batches handed to the worker (sources).", "Grows while data flows."),
    BATCH_LATENCY_AVG("batch-latency-avg", "Average milliseconds of a batch: from the write call to Hazelcast's "
            + "acknowledgement (sink); from put() to the MQTT broker's last answer (MQTT sink); a request's round trip to the "
            + "device (CoAP sink); from the first message's arrival in the queue to poll() handing the batch "
            + "over (sources). NaN when no batch in the last 60 s.", "A few ms; high values mean a slow "
            + "cluster (sink) or a worker that polls slowly (sources)."),
    BATCH_LATENCY_MAX("batch-latency-max", "Largest batch latency in milliseconds over the last 60 s.",
            "Well below connect.hazelcast.write.timeout (sink)."),
    IN_FLIGHT_BATCHES("in-flight-batches", "Batches sent to Hazelcast and not yet acknowledged, with those that "
            + "timed out while their calls still run (Hazelcast sink); messages "
            + "published and not yet acknowledged by the broker (MQTT sink); requests sent and not yet answered "
            + "(CoAP sink); records handed to the worker that Kafka "
            + "has not yet acknowledged (sources).",
            "At most connect.hazelcast.max.in.flight (sink); at most the window, connect.mqtt.max.in.flight or the "
            + "broker's Receive Maximum (MQTT sink); at most connect.coap.sink.max.parallel (CoAP sink); steady, not growing (sources)."),
    RETRIES_TOTAL("retries-total", "Retries: failed batches written again (sink); reconnections to the MQTT broker "
            + "(MQTT source and sink), re-registrations of CoAP observations (CoAP source) and requests sent "
            + "again after a 5.xx, 4.29, 4.08, no answer, a reset or a send error (CoAP sink).",
            "0, or a few after an outage."),
    FAILED_BATCHES_TOTAL("failed-batches-total", "Batch writes to Hazelcast that failed (each is retried, "
            + "dropped or fails the task by the error policy); messages in flight when the connection to the MQTT "
            + "broker was lost, each published again (MQTT sink); requests that got a 5.xx, 4.29, 4.08, no "
            + "answer, a reset or a send error (CoAP sink). Always 0 for sources.", "0."),
    DEAD_LETTERED_TOTAL("dead-lettered-total", "Records sent to the dead-letter topic.", "0; anything else "
            + "needs a look at the dead-letter topic."),
    DROPPED_TOTAL("dropped-total", "Records given up on purpose: by error policy NOOP (sinks), or older CoAP "
            + "notifications dropped for newer ones when the queue was full.", "0."),
    SKIPPED_TOTAL("skipped-total", "Records skipped: bad messages under bad.message.policy=SKIP (sources), "
            + "tombstones for structures without keys (sink), tombstones of statements that do not retain (MQTT sink), tombstones of PUT and POST statements (CoAP sink).", "0, unless such input is expected."),
    STALE_TOTAL("stale-total", "Records not applied because the stored value's version is newer (sink "
            + "statements with STOREAS ... (version = field)): an older reading arriving after a newer one. Their "
            + "offsets commit. Always 0 for sources.", "0 in steady flow; it grows with replays after a restart "
            + "or rebalance, and with readings of one device that arrive out of order."),
    FILTERED_TOTAL("filtered-total", "Records a statement's WHERE condition kept out: per task here, and per "
            + "statement under the same MBean name with the extra tag statement=<n> (n: the statement's place in "
            + "the task's KCQL, from 1; the sink's tasks have every statement, a source's tasks their share). Their offsets commit (sink); an MQTT message no statement keeps is acknowledged "
            + "at once (sources).", "Whatever share of the data the conditions are meant to drop."),
    SPARKPLUG_UNRESOLVED_ALIASES_TOTAL("sparkplug-unresolved-aliases-total", "Sparkplug B metrics that came by an "
            + "alias no BIRTH of their edge node had defined (MQTT source, WITHCONVERTER = `sparkplug`); their records "
            + "carry the alias and no name. Always 0 for the CoAP source and the sink.", "0; anything else means a "
            + "BIRTH was missed (set sparkplug.rebirth = true to ask for one)."),
    SPARKPLUG_SEQ_GAPS_TOTAL("sparkplug-seq-gaps-total", "Sparkplug B messages whose seq did not follow their edge "
            + "node's previous one: messages were lost or reordered on the way. Always 0 for the CoAP source and the "
            + "sink.", "0."),
    LOST_TOTAL("lost-total", "Items the Hazelcast source never read because their ringbuffer or event journal "
            + "had already overwritten them when the task came to read them (the structure wrapped while the task was "
            + "stopped or slow): a gap, which a WARN names with the structure, the partition and how many; "
            + "connect.hazelcast.source.gap.policy decides whether the task goes on (SKIP) or fails (FAIL). Always 0 "
            + "for the other connectors.", "0; anything else means a structure's capacity holds less than the "
            + "connector falls behind or is away."),
    SEQUENCE_LAG("sequence-lag", "Items the Hazelcast source has still to read: the newest sequence each of its "
            + "structures holds minus the next one the task reads, summed over the task's structures (and journal "
            + "partitions); per structure under the same MBean name with the extra tag structure=<name>. Measured "
            + "about once a second (a map journal's partitions every 5 s). Always 0 for the other connectors.", "Small and not growing; a lag near a "
            + "structure's capacity means items are about to be overwritten unread (lost-total)."),
    OPEN_STRUCTURES("open-structures", "Hazelcast structures the sink task has open: one per STOREAS target with a "
            + "fixed name, and one per name taken from the data (INSERT INTO `telemetry_${site}`) while it is in use; "
            + "such a structure closes at an offset commit (every offset.flush.interval.ms, and at a rebalance or "
            + "when the task asks for one) if it had no records since the previous commit and its last batch is "
            + "acknowledged, and opens again with its next record. Always 0 for sources.", "Steady, and "
            + "below connect.hazelcast.max.structures; close to the bound means records would soon be refused."),
    QUEUED_RECORDS("queued-records", "Records waiting in the task: in the source's handoff queue (the CoAP "
            + "source in server mode: the device requests not yet answered, handed to Kafka or not), buffered "
            + "for Hazelcast in the sink, messages waiting for room in the MQTT sink's window, or records the CoAP sink holds until "
            + "their requests are answered and reported (at most connect.coap.sink.max.pending; then it pauses its "
            + "partitions).", "Well below the queue size; a full queue means the downstream is slower."),
    QUEUED_BYTES("queued-bytes", "Payload bytes of the queued records (sources, MQTT sink; the CoAP sink: its requests waiting, "
            + "backing off or in flight; the Hazelcast sink counts 0).",
            "Well below the queue's byte bound."),
    CONNECTED("connected", "1 while the task is connected to its server (the Hazelcast cluster, the MQTT broker), "
            + "0 while it is away and the task reconnects. The CoAP source and sink (UDP, no connection) show 1 while "
            + "their endpoints are open; the CoAP sink with a reporter shows 0 also while Kafka does not take the "
            + "reports.", "1; 0 for longer than a restart takes means an outage (see retries-total)."),
    ACKNOWLEDGED_TOTAL("acknowledged-total", "Messages acknowledged to the MQTT broker after Kafka has their "
            + "records (MQTT source, QoS 1 and 2); PUBACKs and PUBCOMPs the MQTT sink received for its QoS 1 and 2 "
            + "messages; device requests answered 2.04 once Kafka had their records (CoAP source in server mode). "
            + "Always 0 for the CoAP source in client mode, the CoAP sink and the Hazelcast sink.",
            "Follows records-in-total for QoS 1/2 and for CoAP requests."),
    REFUSED_TOTAL("refused-total", "Device requests the CoAP source in server mode answered without taking their "
            + "data to Kafka: 5.03 with Max-Age when its queue was full or the task was stopping, 4.04 for a path "
            + "no statement reads, 4.05 for a method other than POST and PUT, 4.03 for a path naming another "
            + "device than the one that authenticated or a PSK identity taken out of the credentials file, 4.00 for "
            + "a payload a statement cannot read (under bad.message.policy SKIP and DLQ), 5.00 for a record the "
            + "worker dropped under errors.tolerance = all. Always 0 for the other connectors.", "0, or a few in a "
            + "burst; "
            + "a steady count of 5.03s means the task cannot keep up (more tasks, or a faster Kafka)."),
    UNKNOWN_IDENTITIES_TOTAL("unknown-identities-total", "DTLS handshakes the CoAP source in server mode refused "
            + "because the device did not prove an identity it knows: a PSK identity missing from "
            + "connect.coap.server.psk.file, or a certificate the CA did not sign. Nothing such a device sends "
            + "reaches Kafka. Always 0 for the other connectors.", "0; anything else is a device without "
            + "credentials, or with old ones."),
    END_TO_END_LAG_AVG("end-to-end-lag-avg", "Average milliseconds from arrival to acknowledgement: a message's "
            + "arrival at the source to Kafka's acknowledgement (sources); a record's Kafka timestamp to "
            + "Hazelcast's acknowledgement (sink) or to the MQTT broker's acknowledgement of its last message (MQTT "
            + "sink) or to the device's 2.xx (CoAP sink). NaN when nothing in the last 60 s.",
            "Tens of ms at low rates; it grows when the task falls behind."),
    END_TO_END_LAG_MAX("end-to-end-lag-max", "Largest end-to-end lag in milliseconds over the last 60 s.",
            "Within a few seconds.");

    private final String metricName;
    private final String description;
    private final String healthy;

    StreamGridMetric(String metricName, String description, String healthy) {
        this.metricName = metricName;
        this.description = description;
        this.healthy = healthy;
    }

    public String metricName() {
        return metricName;
    }

    public String description() {
        return description;
    }

    /** What a healthy value looks like. */
    public String healthy() {
        return healthy;
    }
}
