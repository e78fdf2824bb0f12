package io.streamgrid.hazelcast.state;

import java.math.BigDecimal;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * How a device-state statement reads, merges and makes stored values, in one of two forms: JSON
 * ({@link JsonStateValues}) or Compact ({@link CompactStateValues}). A document is the form merges work on;
 * it is made from a record on the task thread and from a stored value on a write thread.
 */
public interface StateValues {

    /** The document of a record's projected value; bad data is a {@code DataException}. */
    Object document(SchemaAndValue projected);

    /** The document of a stored value; a value of another form is an {@code IllegalArgumentException}. */
    Object fromStored(Object stored, Object key);

    /** What is stored for a document. */
    Object toStored(Object document);

    /**
     * The stored document with the update's fields over it: fields the update does not carry keep their
     * stored values; a field the update carries as null becomes null.
     */
    Object merge(Object stored, Object update);

    /** The version in a document's field, or null when the field is missing or null. */
    BigDecimal version(Object document, String field, String where);
}
