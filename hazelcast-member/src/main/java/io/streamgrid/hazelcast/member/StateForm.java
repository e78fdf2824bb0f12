package io.streamgrid.hazelcast.member;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Supplier;

/**
 * How device state of one form, JSON ({@link JsonForm}) or Compact ({@link CompactForm}), is read, merged and
 * stored. A document is the form merges work on. The sink's task and the members use the same forms, so a merge
 * made on a member is the merge the task's client-side compare-and-set would have made.
 */
public interface StateForm {

    /** The document of a stored value; a value of another form is an {@code IllegalArgumentException}. */
    Object fromStored(Object stored, Object key);

    /** What is stored for a document. */
    Object toStored(Object document);

    /**
     * The stored document with the update's fields over it: fields the update does not carry keep their stored
     * values; a field the update carries as null becomes null.
     */
    Object merge(Object stored, Object update);

    /**
     * The version in a document's field, or null when the field is missing or null.
     *
     * @param where names the field for an error (made only then: this runs for every record)
     */
    BigDecimal version(Object document, String field, Supplier<String> where);

    /**
     * A key's updates merged into one, in order: each field as the last update that carries it, with that update's
     * value and kind. A batch's updates fold so before they meet the stored value, on the task or on the member.
     */
    Object fold(List<Object> updates);

    /** Writes a document into an entry processor (never null). */
    void encodeDocument(ObjectDataOutput out, Object document) throws IOException;

    /** Reads what {@link #encodeDocument} wrote. */
    Object decodeDocument(ObjectDataInput in) throws IOException;
}
