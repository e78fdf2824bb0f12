package io.streamgrid.kcql;

/** Which part of a record a field path reads. */
public enum FieldKind {
    /** The record value ({@code a.b}, or explicitly {@code _value.a.b}). */
    VALUE,
    /** The record key ({@code _key} or {@code _key.a.b}). */
    KEY,
    /** A record header ({@code _header.name}, optionally with a path into a structured header). */
    HEADER,
    /** Record metadata: {@code _topic}, {@code _partition}, {@code _offset} or {@code _timestamp}. */
    METADATA
}
