package io.streamgrid.kcql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code STOREAS type (k = v, ...)}: the kind of structure a sink writes to, with its parameters
 * in the order written. The type is kept as written; connectors compare it ignoring case.
 */
public record StoreAs(String type, Map<String, String> parameters) {

    public StoreAs {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("type is required");
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public boolean is(String other) {
        return type.equalsIgnoreCase(other);
    }
}
