package io.streamgrid.kcql;

/** How a statement writes: {@code INSERT INTO} appends, {@code UPSERT INTO} replaces by key. */
public enum WriteMode {
    INSERT,
    UPSERT
}
