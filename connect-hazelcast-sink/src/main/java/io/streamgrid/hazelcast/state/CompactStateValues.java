package io.streamgrid.hazelcast.state;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import java.math.BigDecimal;
import java.util.Set;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Device state as Compact records of one type name. A merge keeps the stored field's kind where the update's
 * value fits it (a null in a nullable field; a whole number in a FLOAT64 field, as schemaless JSON writes
 * {@code 21} for {@code 21.0}), so a field keeps one SQL type across updates.
 */
public final class CompactStateValues implements StateValues {

    private static final Set<FieldKind> WHOLE_NUMBERS = Set.of(FieldKind.INT8, FieldKind.INT16, FieldKind.INT32,
            FieldKind.INT64, FieldKind.NULLABLE_INT8, FieldKind.NULLABLE_INT16, FieldKind.NULLABLE_INT32,
            FieldKind.NULLABLE_INT64);

    private final CompactRecords records = new CompactRecords();
    private final String typeName;

    public CompactStateValues(String typeName) {
        this.typeName = typeName;
    }

    @Override
    public Object document(SchemaAndValue projected) {
        return records.of(typeName, projected);
    }

    @Override
    public Object fromStored(Object stored, Object key) {
        if (stored instanceof GenericRecord record) {
            return record;
        }
        throw new IllegalArgumentException("the stored value of key '" + key + "' is a "
                + stored.getClass().getSimpleName() + ", not a Compact record: something else writes this map");
    }

    @Override
    public Object toStored(Object document) {
        return document;
    }

    @Override
    public Object merge(Object stored, Object update) {
        GenericRecord old = (GenericRecord) stored;
        GenericRecord changes = (GenericRecord) update;
        GenericRecordBuilder merged = GenericRecordBuilder.compact(typeName);
        for (String name : old.getFieldNames()) {
            if (changes.getFieldKind(name) == FieldKind.NOT_AVAILABLE) {
                CompactFields.set(merged, name, CompactFields.get(old, name));
            }
        }
        for (String name : changes.getFieldNames()) {
            CompactFields.Field change = CompactFields.get(changes, name);
            FieldKind storedKind = old.getFieldKind(name);
            CompactFields.set(merged, name, storedKind == FieldKind.NOT_AVAILABLE ? change : fit(change, storedKind));
        }
        return merged.build();
    }

    /** The change in the stored field's kind where its value fits that kind, else as it is. */
    private static CompactFields.Field fit(CompactFields.Field change, FieldKind storedKind) {
        if (change.kind() == storedKind) {
            return change;
        }
        if (change.value() == null) {
            return CompactFields.NOT_NULLABLE.contains(storedKind) ? change : new CompactFields.Field(storedKind, null);
        }
        if ((storedKind == FieldKind.FLOAT64 || storedKind == FieldKind.NULLABLE_FLOAT64)
                && WHOLE_NUMBERS.contains(change.kind())) {
            return new CompactFields.Field(storedKind, ((Number) change.value()).doubleValue());
        }
        return change;
    }

    @Override
    public BigDecimal version(Object document, String field, String where) {
        CompactFields.Field value = CompactFields.get((GenericRecord) document, field);
        return value == null ? null : Versions.of(value.value(), where);
    }
}
