package io.streamgrid.hazelcast.source;

import java.util.Locale;

/**
 * What a statement reads ({@code WITHTYPE}), and where a new connector starts in it: a reliable topic's subscribers
 * get what is published after they subscribe (as Hazelcast's own listeners do), so a topic starts at its newest end;
 * a ringbuffer and a map's event journal are stores a reader reads from their oldest item on.
 */
public enum StructureType {
    /** Every message published to a reliable topic, read from the ringbuffer behind it ({@code _hz_rb_<name>}). */
    RELIABLE_TOPIC(Start.LATEST),
    /** Every item added to a ringbuffer. */
    RING_BUFFER(Start.EARLIEST),
    /** Every change of a map, from its event journal, one sequence per map partition. */
    MAP_JOURNAL(Start.EARLIEST);

    /** Where a structure is read from when no offset was committed for it. */
    public enum Start {
        EARLIEST, LATEST;

        public String property() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The prefix of the ringbuffer behind a reliable topic (Hazelcast's ReliableTopicService.TOPIC_RB_PREFIX). */
    static final String TOPIC_RINGBUFFER_PREFIX = "_hz_rb_";

    private final Start defaultStart;

    StructureType(Start defaultStart) {
        this.defaultStart = defaultStart;
    }

    public Start defaultStart() {
        return defaultStart;
    }

    /** Whether the structure has a sequence per map partition (else one sequence for the whole structure). */
    public boolean partitioned() {
        return this == MAP_JOURNAL;
    }

    /** The type a WITHTYPE clause names, in any letter case. */
    public static StructureType of(String written) {
        return valueOf(written.trim().toUpperCase(Locale.ROOT));
    }
}
