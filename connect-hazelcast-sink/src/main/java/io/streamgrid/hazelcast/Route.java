package io.streamgrid.hazelcast;

import com.hazelcast.core.HazelcastJsonValue;
import io.streamgrid.common.format.ValueFormat;
import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.hazelcast.member.StateUpdate;
import io.streamgrid.hazelcast.state.CompactRecords;
import io.streamgrid.hazelcast.state.StateValues;
import io.streamgrid.hazelcast.state.StateValuesFor;
import io.streamgrid.hazelcast.writer.WriteEntry;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/** One KCQL statement at work: turns a record of its topic into the entry its structure stores. */
final class Route {

    private final KcqlStatement statement;
    private final StoreTarget target;
    /** The structure's pipe when the name is constant; else null, and {@code pipes} finds one per record. */
    private final Pipe pipe;
    private final Function<StoreTarget, Pipe> pipes;
    private final NameTemplate name;
    private final List<FieldPath> nameFields;
    private final RecordFields fields = new RecordFields();
    private final FieldProjection projection;
    private final ValueFormat format;
    private final KeyMaker keys;
    /** Merging and version-guarded statements' documents; null for plain writes. */
    private final StateValues state;
    /** Compact values of plain writes; null for other formats. */
    private final CompactRecords compact;
    /** The WHERE condition, or null. */
    private final RecordFilter where;
    private final int number;

    /** @param number the statement's place in the KCQL, from 1 (the tag of its filtered-total metric) */
    /**
     * @param pipes finds, or opens, the pipe of a structure; for a name taken from the data it is asked per record,
     *              and refuses (IllegalStateException) a structure beyond the task's bound
     */
    Route(KcqlStatement statement, int number, StoreTarget target,
          Function<StoreTarget, Pipe> pipes) {
        this.statement = statement;
        this.number = number;
        this.pipes = pipes;
        this.name = target.nameTemplate();
        this.nameFields = name.references().stream().map(FieldPath::parse).toList();
        this.pipe = name.isConstant() ? pipes.apply(target) : null;
        this.where = RecordFilter.of(statement);
        this.target = target;
        this.projection = FieldProjection.of(statement);
        Format stored = statement.formatOr(Format.JSON);
        this.format = stored == Format.COMPACT ? null : ValueFormat.of(stored);
        this.keys = new KeyMaker(statement);
        this.state = target.guarded() ? StateValuesFor.target(target) : null;
        this.compact = stored == Format.COMPACT && !target.guarded() ? new CompactRecords(target.sqlMapping()) : null;
    }

    /** The pipe of the structure this record goes to; a name the record cannot give is a DataException. */
    Pipe pipe(RecordView record) {
        if (pipe != null) {
            return pipe;
        }
        String resolved;
        try {
            resolved = name.resolve(reference -> nameValue(record, reference));
        } catch (IllegalArgumentException e) {
            throw new DataException("Record " + record.describe() + " has no value for the target name: "
                    + e.getMessage(), e);
        } finally {
            fields.release();
        }
        try {
            return pipes.apply(target.named(resolved));
        } catch (IllegalStateException e) {
            throw new DataException("Record " + record.describe() + " cannot be written: " + e.getMessage(), e);
        }
    }

    private Object nameValue(RecordView record, String reference) {
        Object value = fields.read(record, nameFields.get(name.references().indexOf(reference)));
        if (value instanceof Struct || value instanceof Map || value instanceof Collection
                || value instanceof byte[]) {
            throw new IllegalArgumentException("'${" + reference + "}' is a " + value.getClass().getSimpleName()
                    + ", not a value a name can hold");
        }
        return value;
    }

    StoreTarget target() {
        return target;
    }

    int number() {
        return number;
    }

    /**
     * Whether the statement's WHERE keeps the record (always without WHERE). A tombstone is kept: it deletes a
     * key, and has no value for a condition to read. A condition that cannot compare the record's values is a
     * {@code DataException} naming it.
     */
    boolean keeps(RecordView record) {
        return where == null || record.value() == null || where.keeps(record);
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
            if (key instanceof byte[]) {
                throw new DataException("Record " + record.describe() + " has a bytes key, which " + target.describe()
                        + " cannot compare when it merges or guards versions; key by PK fields or a string key");
            }
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
        BigDecimal version;
        try {
            version = state.version(document, target.versionField(),
                    () -> "the version field '" + target.versionField() + "' of record " + record.describe());
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
