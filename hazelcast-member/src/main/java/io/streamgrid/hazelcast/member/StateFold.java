package io.streamgrid.hazelcast.member;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * How a merging or version-guarded statement applies a key's updates to its stored value: the one rule of the sink's
 * client-side compare-and-set and of the members' entry processors, so both modes store the same values.
 * <p>
 * Updates apply in Kafka order. With a version guard an update older than the current version (the stored one, then
 * each applied update's) is skipped and counted; an equal version applies. The updates that apply fold into one
 * ({@link StateForm#fold}); with merge its fields go over the stored document, else it replaces it.
 */
public final class StateFold {

    private final StateForm form;
    private final boolean merge;
    private final String versionField;

    /** @param versionField the field whose order guards writes, or null */
    public StateFold(StateForm form, boolean merge, String versionField) {
        this.form = form;
        this.merge = merge;
        this.versionField = versionField;
    }

    public StateForm form() {
        return form;
    }

    /**
     * A key's updates of a batch made ready to send, on the task: the updates older than one before them are
     * dropped (no stored version makes them apply), and the rest fold into one.
     *
     * @param afterDelete whether a tombstone came before these updates
     */
    public KeyUpdate prepare(List<StateUpdate> updates, boolean afterDelete) {
        List<StateUpdate> chain = updates;
        int dropped = 0;
        if (versionField != null) {
            chain = new ArrayList<>(updates.size());
            BigDecimal newest = null;
            for (StateUpdate update : updates) {
                if (newest != null && update.version().compareTo(newest) < 0) {
                    dropped++;
                } else {
                    chain.add(update);
                    newest = update.version();
                }
            }
        }
        Object folded = chain.size() > 1 ? fold(chain) : null;
        return new KeyUpdate(folded, chain.isEmpty() ? null : chain.get(0).version(), chain, afterDelete, dropped);
    }

    /** The updates as one: merged ({@link StateForm#fold}), or the last when they replace. */
    private Object fold(List<StateUpdate> updates) {
        if (!merge || updates.size() == 1) {
            return updates.get(updates.size() - 1).document();
        }
        List<Object> documents = new ArrayList<>(updates.size());
        for (StateUpdate update : updates) {
            documents.add(update.document());
        }
        return form.fold(documents);
    }

    /** What the key's update makes of its stored value (null: none). */
    public KeyUpdate.Outcome apply(Object key, Object stored, KeyUpdate update) {
        if (update.folded() == null && update.chain().isEmpty()) {
            return KeyUpdate.Outcome.DELETE; // a tombstone with nothing after it
        }
        Object old = update.afterDelete() ? null : stored;
        Object document = old == null ? null : form.fromStored(old, key);
        BigDecimal version = document == null || versionField == null ? null
                : form.version(document, versionField, () -> "the stored field '" + versionField + "' of key '" + key
                        + "'");
        if (update.folded() != null && (version == null || version.compareTo(update.from()) <= 0)) {
            Object result = merge && document != null ? form.merge(document, update.folded()) : update.folded();
            return new KeyUpdate.Outcome(form.toStored(result), false, update.dropped(), false);
        }
        if (update.chain() == null) {
            return KeyUpdate.Outcome.NEEDS_CHAIN;
        }
        List<StateUpdate> applying = update.chain();
        int skipped = update.dropped();
        if (version != null) { // the chain's versions never fall: those from the stored version on apply
            int first = 0;
            while (first < applying.size() && applying.get(first).version().compareTo(version) < 0) {
                first++;
            }
            skipped += first;
            applying = applying.subList(first, applying.size());
        }
        if (applying.isEmpty()) {
            return new KeyUpdate.Outcome(null, false, skipped, false);
        }
        Object folded = fold(applying);
        Object result = merge && document != null ? form.merge(document, folded) : folded;
        return new KeyUpdate.Outcome(form.toStored(result), false, skipped, false);
    }
}
