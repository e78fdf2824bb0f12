package io.streamgrid.hazelcast;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Hazelcast structures a statement can STOREAS. Map-like ones need a key for every entry. */
public enum StoreType {
    RELIABLE_TOPIC(false),
    RING_BUFFER(false),
    QUEUE(false),
    SET(false),
    LIST(false),
    IMAP(true),
    MULTI_MAP(true),
    ICACHE(true),
    REPLICATED_MAP(true);

    /** What a statement without STOREAS writes to, as in stream-reactor. */
    public static final StoreType DEFAULT = RELIABLE_TOPIC;

    private final boolean keyed;

    StoreType(boolean keyed) {
        this.keyed = keyed;
    }

    public boolean keyed() {
        return keyed;
    }

    public static Optional<StoreType> byName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.name().equals(upper)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
