package io.streamgrid.hazelcast.state;

import io.streamgrid.hazelcast.StoreTarget;
import io.streamgrid.kcql.Format;

/** The state values of a statement's target: Compact for WITHFORMAT COMPACT, else JSON. */
public final class StateValuesFor {

    private StateValuesFor() {
    }

    public static StateValues target(StoreTarget target) {
        return target.format() == Format.COMPACT ? new CompactStateValues(target.compactType(), target.sqlMapping())
                : new JsonStateValues(target.jsonValue());
    }
}
