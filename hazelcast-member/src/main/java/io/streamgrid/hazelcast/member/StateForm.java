package io.streamgrid.hazelcast.member;

import java.math.BigDecimal;

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

    /** The version in a document's field, or null when the field is missing or null. */
    BigDecimal version(Object document, String field, String where);

    /**
     * Whether merging a key's updates into one first, then that one into the stored value, gives what merging
     * them one by one into it gives; only then does a batch send one document per key.
     */
    boolean foldsAhead();

    /** A document as Hazelcast serializes it inside an entry processor. */
    Object toWire(Object document);

    /** The document {@link #toWire} made. */
    Object fromWire(Object wire);
}
