package io.streamgrid.kcql;

/**
 * One item of a SELECT list: {@code *} (an empty value path with {@code wildcard}), {@code a.*}
 * (the children of {@code a}), or a single field with an optional alias.
 *
 * @param alias the name given with {@code AS}, or {@code null} when none was given
 */
public record SelectedField(FieldPath path, boolean wildcard, String alias) {

    public SelectedField {
        if (path == null) {
            throw new IllegalArgumentException("path is required");
        }
        if (wildcard && alias != null) {
            throw new IllegalArgumentException("a wildcard cannot have an alias");
        }
    }

    public static SelectedField all() {
        return new SelectedField(FieldPath.value(), true, null);
    }

    /** True for {@code *} alone: every field of the value. */
    public boolean isSelectAll() {
        return wildcard && path.kind() == FieldKind.VALUE && path.segments().isEmpty();
    }

    /** The name the field gets in the output: the alias, else the last segment of the path. */
    public String outputName() {
        return alias != null ? alias : path.lastName();
    }

    @Override
    public String toString() {
        if (isSelectAll()) {
            return "*";
        }
        if (wildcard) {
            return path + ".*";
        }
        return alias == null ? path.toString() : path + " AS " + alias;
    }
}
