package io.streamgrid.hazelcast.state;

import io.streamgrid.hazelcast.member.CompactForm;
import io.streamgrid.hazelcast.member.StateForm;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Device state as Compact records of one type name, merged as {@link CompactForm} says. With
 * {@code kindsFromColumns} (an SQL mapping) {@link SqlMapping} brings every value to its columns' kinds before the
 * merge and schemaless numbers are DECIMAL ({@link CompactRecords}).
 */
public final class CompactStateValues implements StateValues {

    private final CompactRecords records;
    private final String typeName;
    private final CompactForm form;

    public CompactStateValues(String typeName, boolean kindsFromColumns) {
        this.typeName = typeName;
        this.records = new CompactRecords(kindsFromColumns);
        this.form = new CompactForm(typeName, kindsFromColumns);
    }

    @Override
    public Object document(SchemaAndValue projected) {
        return records.of(typeName, projected);
    }

    @Override
    public StateForm form() {
        return form;
    }
}
