package io.streamgrid.hazelcast.state;

import io.streamgrid.hazelcast.member.StateForm;
import java.math.BigDecimal;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * How a device-state statement makes documents from records, in one of two forms: JSON ({@link JsonStateValues}) or
 * Compact ({@link CompactStateValues}). How documents are stored, merged and versioned is the {@link StateForm} of
 * the member module, which the members' entry processors use too.
 */
public interface StateValues {

    /** The document of a record's projected value; bad data is a {@code DataException}. */
    Object document(SchemaAndValue projected);

    /** How the documents are stored, merged and versioned. */
    StateForm form();

    /** A record's version: as {@link StateForm#version}, which a form may read faster from its own documents. */
    default BigDecimal version(Object document, String field, Supplier<String> where) {
        return form().version(document, field, where);
    }
}
