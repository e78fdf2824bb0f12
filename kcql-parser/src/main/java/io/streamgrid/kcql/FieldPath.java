package io.streamgrid.kcql;

import java.util.List;

/**
 * A path to a field in one part of a record. For {@link FieldKind#HEADER} the first segment is the
 * header name; for {@link FieldKind#METADATA} the only segment is {@code topic}, {@code partition},
 * {@code offset} or {@code timestamp}. An empty path names the whole part (e.g. the whole key).
 */
public record FieldPath(FieldKind kind, List<String> segments) {

    public FieldPath {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        segments = List.copyOf(segments);
    }

    public static FieldPath value(String... segments) {
        return new FieldPath(FieldKind.VALUE, List.of(segments));
    }

    public static FieldPath key(String... segments) {
        return new FieldPath(FieldKind.KEY, List.of(segments));
    }

    public static FieldPath header(String name, String... nested) {
        String[] all = new String[nested.length + 1];
        all[0] = name;
        System.arraycopy(nested, 0, all, 1, nested.length);
        return new FieldPath(FieldKind.HEADER, List.of(all));
    }

    public static FieldPath metadata(String name) {
        return new FieldPath(FieldKind.METADATA, List.of(name));
    }

    /** The last segment, or the part's own name ({@code _key}, {@code _value}) for an empty path. */
    public String lastName() {
        if (!segments.isEmpty()) {
            return kind == FieldKind.METADATA ? "_" + segments.get(0) : segments.get(segments.size() - 1);
        }
        return kind == FieldKind.KEY ? "_key" : "_value";
    }

    /** The path as it is written in KCQL, e.g. {@code a.b}, {@code _key.id}, {@code _header.h}. */
    @Override
    public String toString() {
        String joined = String.join(".", segments);
        return switch (kind) {
            case VALUE -> segments.isEmpty() ? "_value" : joined;
            case KEY -> segments.isEmpty() ? "_key" : "_key." + joined;
            case HEADER -> "_header." + joined;
            case METADATA -> "_" + joined;
        };
    }
}
