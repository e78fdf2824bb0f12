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

    private static final java.util.Map<String, String> METADATA = java.util.Map.of(
            "_topic", "topic", "_partition", "partition", "_offset", "offset", "_timestamp", "timestamp");

    /**
     * A field as KCQL writes it: {@code a.b}, {@code _key}, {@code _key.x}, {@code _value.x}, {@code _header.h},
     * {@code _topic}, {@code _partition}, {@code _offset}, {@code _timestamp}. A malformed one is an
     * IllegalArgumentException giving the reason.
     */
    public static FieldPath parse(String written) {
        String[] parts = written.split("\\.", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("'" + written + "' is not a field path: a path is names joined by "
                        + "single dots");
            }
        }
        String head = parts[0].toLowerCase(java.util.Locale.ROOT);
        List<String> rest = List.of(parts).subList(1, parts.length);
        if (head.equals("_key")) {
            return new FieldPath(FieldKind.KEY, rest);
        }
        if (head.equals("_value")) {
            return new FieldPath(FieldKind.VALUE, rest);
        }
        if (head.equals("_header")) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("name the header: _header.<name>");
            }
            return new FieldPath(FieldKind.HEADER, rest);
        }
        if (METADATA.containsKey(head)) {
            if (!rest.isEmpty()) {
                throw new IllegalArgumentException("'" + parts[0] + "' is record metadata and has no fields inside it");
            }
            return metadata(METADATA.get(head));
        }
        return new FieldPath(FieldKind.VALUE, List.of(parts));
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
