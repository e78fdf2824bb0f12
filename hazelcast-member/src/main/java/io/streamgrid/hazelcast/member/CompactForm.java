package io.streamgrid.hazelcast.member;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Device state as Compact records of one type name. A field keeps one kind across a key's updates:
 * <ul>
 * <li>with {@code kindsFromColumns} (an SQL mapping's columns decide the kinds) the update's kinds win, since the
 * sink has brought every value to its columns' kinds before the merge, the kinds every record of the map shares
 * (SQL reads a field only as the kind of its column);</li>
 * <li>without it, a merge keeps the stored field's kind where the update's value converts to it without loss, in
 * either direction (21 in a FLOAT64 field is 21.0, 21.0 in an INT64 field is 21, a null in a nullable field);
 * a value that does not convert (21.5 for an INT64 field) brings its own kind.</li>
 * </ul>
 * A batch's updates of a key fold first ({@link #fold}: the last value of each field, in its own kind), and that
 * one record merges into the stored one: so a record is built once per key and batch, and the stored kinds decide
 * once, whether the fold ran on the task or on a member.
 */
public final class CompactForm implements StateForm {

    private final String typeName;
    private final boolean kindsFromColumns;

    public CompactForm(String typeName, boolean kindsFromColumns) {
        this.typeName = typeName;
        this.kindsFromColumns = kindsFromColumns;
    }

    String typeName() {
        return typeName;
    }

    boolean kindsFromColumns() {
        return kindsFromColumns;
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
            CompactFields.set(merged, name, kindsFromColumns || storedKind == FieldKind.NOT_AVAILABLE ? change
                    : fit(change, storedKind));
        }
        return merged.build();
    }

    /** The change in the stored field's kind where its value converts to it without loss, else as it is. */
    private static CompactFields.Field fit(CompactFields.Field change, FieldKind storedKind) {
        CompactFields.Field converted = CompactFields.convert(change, storedKind);
        return converted != null ? converted : change;
    }

    @Override
    public BigDecimal version(Object document, String field, Supplier<String> where) {
        CompactFields.Field value = CompactFields.get((GenericRecord) document, field);
        return value == null ? null : Versions.of(value.value(), where);
    }

    @Override
    public Object fold(List<Object> updates) {
        if (updates.size() == 1) {
            return updates.get(0);
        }
        Map<String, CompactFields.Field> fields = new LinkedHashMap<>();
        for (Object update : updates) {
            GenericRecord record = (GenericRecord) update;
            for (String name : record.getFieldNames()) {
                fields.put(name, CompactFields.get(record, name));
            }
        }
        GenericRecordBuilder folded = GenericRecordBuilder.compact(typeName);
        fields.forEach((name, field) -> CompactFields.set(folded, name, field));
        return folded.build();
    }

    @Override
    public void encodeDocument(ObjectDataOutput out, Object document) throws IOException {
        out.writeObject(document);
    }

    @Override
    public Object decodeDocument(ObjectDataInput in) throws IOException {
        return in.readObject();
    }
}
