package io.streamgrid.hazelcast;

import com.hazelcast.core.HazelcastJsonValue;
import io.streamgrid.common.format.ValueFormat;
import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.hazelcast.state.CompactRecords;
import io.streamgrid.hazelcast.state.StateUpdate;
import io.streamgrid.hazelcast.state.StateValues;
import io.streamgrid.hazelcast.state.StateValuesFor;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.math.BigDecimal;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** One KCQL statement at work: turns a record of its topic into the entry its structure stores. */
final class Route {

    private final KcqlStatement statement;
    private final StoreTarget target;
    private final Pipe pipe;
    private final FieldProjection projection;
    private final ValueFormat format;
    private final KeyMaker keys;
    /** Merging and version-guarded statements' documents; null for plain writes. */
    private final StateValues state;
    /** Compact values of plain writes; null for other formats. */
    private final CompactRecords compact;

    Route(KcqlStatement statement, StoreTarget target, Pipe pipe) {
        this.statement = statement;
        this.target = target;
        this.pipe = pipe;
        this.projection = FieldProjection.of(statement);
        Format stored = statement.formatOr(Format.JSON);
        this.format = stored == Format.COMPACT ? null : ValueFormat.of(stored);
        this.keys = new KeyMaker(statement);
        this.state = target.guarded() ? StateValuesFor.target(target) : null;
        this.compact = stored == Format.COMPACT && !target.guarded() ? new CompactRecords() : null;
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
        if (state != null) {
            return new WriteEntry(key, update(record, projected));
        }
        if (compact != null) {
            return new WriteEntry(key, compact(record, projected));
        }
        Object stored = format.encode(projected.schema(), projected.value());
        if (target.jsonValue()) {
            stored = new HazelcastJsonValue((String) stored);
        }
        return new WriteEntry(key, stored);
    }

    private StateUpdate update(RecordView record, SchemaAndValue projected) {
        Object document;
        try {
            document = state.document(projected);
        } catch (DataException e) {
            throw new DataException("Record " + record.describe() + " cannot be stored in " + target.describe() + ": "
                    + e.getMessage(), e);
        }
        if (target.versionField() == null) {
            return new StateUpdate(document, null);
        }
        String where = "the version field '" + target.versionField() + "' of record " + record.describe();
        BigDecimal version;
        try {
            version = state.version(document, target.versionField(), where);
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage(), e);
        }
        if (version == null) {
            throw new DataException("Record " + record.describe() + " has no version: " + target.describe()
                    + " writes only values with the field '" + target.versionField() + "' (STOREAS ... version = "
                    + target.versionField() + ")");
        }
        return new StateUpdate(document, version);
    }

    private Object compact(RecordView record, SchemaAndValue projected) {
        try {
            return compact.of(target.compactType(), projected);
        } catch (DataException e) {
            throw new DataException("Record " + record.describe() + " cannot be stored in " + target.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
