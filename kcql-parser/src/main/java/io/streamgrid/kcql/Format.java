package io.streamgrid.kcql;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The value formats {@code WITHFORMAT} can name; each connector accepts its own subset. */
public enum Format {
    JSON,
    AVRO,
    TEXT,
    BINARY,
    /** Hazelcast Compact serialization: schema'd values Hazelcast SQL reads without domain classes. */
    COMPACT,
    /** CBOR (RFC 8949): the compact binary JSON constrained devices read, CoAP content format 60. */
    CBOR,
    OBJECT,
    MAP;

    /** The format with this name in any letter case. */
    public static Optional<Format> byName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name().equals(upper)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
