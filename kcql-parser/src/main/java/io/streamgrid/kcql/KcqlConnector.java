package io.streamgrid.kcql;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What each StreamGrid connector accepts of KCQL, declared once here so that the connector's {@code kcql} key and
 * the KCQL checker's {@code --connector} option apply the same capabilities. What needs a connector's own code
 * (STOREAS parameters, payload converters, topic names, CoAP response fields) is checked by the connector only.
 */
public enum KcqlConnector {

    /** The Hazelcast sink: any STOREAS structure, keys from value, key, header and metadata fields. */
    SINK("sink", KcqlCapabilities.forConnector("Hazelcast sink")
            .writeModes(WriteMode.INSERT, WriteMode.UPSERT)
            .clauses(Clause.IGNORE, Clause.PK, Clause.WITHFORMAT, Clause.STOREAS, Clause.KEYDELIMITER, Clause.TTL,
                    Clause.BATCH, Clause.WHERE)
            .storeAsTypes(List.of("RELIABLE_TOPIC", "RING_BUFFER", "QUEUE", "SET", "LIST", "IMAP", "MULTI_MAP",
                    "ICACHE", "REPLICATED_MAP"))
            .formats(Format.JSON, Format.AVRO, Format.TEXT, Format.BINARY, Format.COMPACT)
            .fieldKinds(FieldKind.VALUE, FieldKind.KEY, FieldKind.HEADER, FieldKind.METADATA)
            .build()),

    /** The MQTT source: payload fields in SELECT; its WHERE also reads the mqtt.* headers and the MQTT topic. */
    MQTT("mqtt", KcqlCapabilities.forConnector("MQTT source")
            .clauses(Clause.WITHCONVERTER, Clause.WITHKEY, Clause.KEYDELIMITER, Clause.IGNORE, Clause.PROPERTIES,
                    Clause.WHERE)
            .whereFieldKinds(FieldKind.VALUE, FieldKind.HEADER, FieldKind.METADATA)
            .build()),

    /**
     * The CoAP source: the fields of a CoAP response (client mode) or request (server mode); WITHCONVERTER
     * `senml` makes a record of each SenML record.
     */
    COAP("coap", KcqlCapabilities.forConnector("CoAP source")
            .clauses(Clause.IGNORE, Clause.PROPERTIES, Clause.WHERE, Clause.WITHCONVERTER, Clause.WITHKEY,
                    Clause.KEYDELIMITER)
            .build()),

    /**
     * The Hazelcast source: every statement says what it reads (WITHTYPE); fields of the item, of a map entry's key
     * and of the hazelcast.* headers.
     */
    HAZELCAST_SOURCE("hazelcast-source", KcqlCapabilities.forConnector("Hazelcast source")
            .requires(Clause.WITHTYPE)
            .withTypes(List.of("RELIABLE_TOPIC", "RING_BUFFER", "MAP_JOURNAL"))
            .clauses(Clause.IGNORE, Clause.WITHFORMAT, Clause.WITHKEY, Clause.KEYDELIMITER, Clause.BATCH,
                    Clause.PROPERTIES, Clause.WHERE)
            .formats(Format.JSON, Format.TEXT)
            .fieldKinds(FieldKind.VALUE, FieldKind.KEY, FieldKind.HEADER)
            .build()),

    /**
     * The MQTT sink: the payload is the selected fields (JSON) or one of them (TEXT, BINARY); SELECT, WHERE and the
     * templates of the MQTT topic and the PROPERTIES read value, key, header and metadata fields.
     */
    MQTT_SINK("mqtt-sink", KcqlCapabilities.forConnector("MQTT sink")
            .clauses(Clause.IGNORE, Clause.WITHFORMAT, Clause.PROPERTIES, Clause.WHERE)
            .formats(Format.JSON, Format.TEXT, Format.BINARY)
            .fieldKinds(FieldKind.VALUE, FieldKind.KEY, FieldKind.HEADER, FieldKind.METADATA)
            .build()),

    /**
     * The CoAP sink: a request to a coap:// or coaps:// URI per record, its payload the selected fields (JSON, CBOR)
     * or one of them (TEXT, BINARY); SELECT, WHERE and the URI's templates read value, key, header and metadata fields.
     */
    COAP_SINK("coap-sink", KcqlCapabilities.forConnector("CoAP sink")
            .clauses(Clause.IGNORE, Clause.WITHFORMAT, Clause.PROPERTIES, Clause.WHERE)
            .formats(Format.JSON, Format.TEXT, Format.BINARY, Format.CBOR)
            .fieldKinds(FieldKind.VALUE, FieldKind.KEY, FieldKind.HEADER, FieldKind.METADATA)
            .build());

    private final String option;
    private final KcqlCapabilities capabilities;

    KcqlConnector(String option, KcqlCapabilities capabilities) {
        this.option = option;
        this.capabilities = capabilities;
    }

    /**
     * The name the KCQL checker's {@code --connector} option takes: {@code sink}, {@code mqtt}, {@code coap},
     * {@code hazelcast-source}, {@code mqtt-sink}, {@code coap-sink}.
     */
    public String option() {
        return option;
    }

    public KcqlCapabilities capabilities() {
        return capabilities;
    }

    /** The connector named so on the checker's command line, in any letter case. */
    public static Optional<KcqlConnector> byOption(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.option.equals(lower)).findFirst();
    }

    /** The option values, for usage and error messages: {@code sink|mqtt|coap|hazelcast-source|mqtt-sink|coap-sink}. */
    public static String options() {
        return Arrays.stream(values()).map(KcqlConnector::option).collect(Collectors.joining("|"));
    }
}
