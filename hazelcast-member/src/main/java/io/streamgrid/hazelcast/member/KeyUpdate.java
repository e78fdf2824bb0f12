package io.streamgrid.hazelcast.member;

import java.math.BigDecimal;
import java.util.List;

/**
 * A key's updates of one batch, as a task sends them to be applied in one step ({@link StateFold}).
 *
 * @param folded      the chain folded into one document ahead ({@link StateForm#fold}), when it has more than one
 *                    update; else null
 * @param from        the version of the chain's first update (null without a version guard): a stored version up to
 *                    it lets the whole chain apply, so {@code folded} is all a member needs
 * @param chain       the updates in Kafka order, none older than one before it; null when left at the task (the
 *                    member then answers that it needs them: {@link Outcome#needsChain()})
 * @param afterDelete whether a tombstone came before the updates: they apply to no stored value, and an empty chain
 *                    deletes the entry
 * @param dropped     updates already skipped in the batch, each older than one before it
 */
public record KeyUpdate(Object folded, BigDecimal from, List<StateUpdate> chain, boolean afterDelete, int dropped) {

    public KeyUpdate {
        chain = chain == null ? null : List.copyOf(chain);
    }

    /** What a member is sent first: the folded document alone where there is one. */
    public KeyUpdate firstTry() {
        return folded == null ? this : new KeyUpdate(folded, from, null, afterDelete, dropped);
    }

    /**
     * What a key's update makes of its stored value.
     *
     * @param stored     the value to store; null with {@code delete} false: keep the stored value
     * @param delete     whether the entry is removed
     * @param stale      the updates the version guard skipped
     * @param needsChain whether the stored version is past the chain's first update and the chain was left at the
     *                   task: it is sent again with its chain
     */
    public record Outcome(Object stored, boolean delete, int stale, boolean needsChain) {

        static final Outcome NEEDS_CHAIN = new Outcome(null, false, 0, true);
        static final Outcome DELETE = new Outcome(null, true, 0, false);
    }
}
