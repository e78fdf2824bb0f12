package io.streamgrid.hazelcast;

import com.hazelcast.core.HazelcastJsonValue;
import io.streamgrid.common.format.ValueFormat;
import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.hazelcast.writer.WriteEntry;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import org.apache.kafka.connect.data.SchemaAndValue;

/** One KCQL statement at work: turns a record of its topic into the entry its structure stores. */
final class Route {

    private final KcqlStatement statement;
    private final StoreTarget target;
    private final Pipe pipe;
    private final FieldProjection projection;
    private final ValueFormat format;
    private final KeyMaker keys;

    Route(KcqlStatement statement, StoreTarget target, Pipe pipe) {
        this.statement = statement;
        this.target = target;
        this.pipe = pipe;
        this.projection = FieldProjection.of(statement);
        this.format = ValueFormat.of(statement.formatOr(Format.JSON));
        this.keys = new KeyMaker(statement);
    }

    Pipe pipe() {
        return pipe;
    }

    StoreTarget target() {
        return target;
    }

    /**
     * The entry for a record, or null for a tombstone on a structure without keys (nothing to delete).
     * Bad data is a {@code DataException} naming the record.
     */
    WriteEntry entry(RecordView record) {
        Object key = target.type().keyed() ? keys.key(record) : null;
        if (record.value() == null) {
            return target.type().keyed() ? new WriteEntry(key, null) : null;
        }
        SchemaAndValue projected = projection.apply(record);
        Object stored = format.encode(projected.schema(), projected.value());
        if (target.jsonValue()) {
            stored = new HazelcastJsonValue((String) stored);
        }
        return new WriteEntry(key, stored);
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
