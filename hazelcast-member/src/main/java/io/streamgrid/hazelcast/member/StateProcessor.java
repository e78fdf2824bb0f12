package io.streamgrid.hazelcast.member;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Applies the updates of some keys of one batch on the members that own them, atomically per key (an entry
 * processor runs alone on its entry): one call instead of the client's read, fold and compare-and-set round trips.
 * The keys' updates travel in the processor; each key applies its own ({@link StateFold}). The answer per key is
 * null (applied, nothing stale), the count of updates its version guard skipped, or {@link #NEEDS_CHAIN}.
 * <p>
 * The backup replicas run the same processor on the same stored value, which gives the same result.
 */
@SuppressFBWarnings(value = "SE_BAD_FIELD", justification = "Hazelcast writes and reads it as "
        + "IdentifiedDataSerializable, never with Java serialization (EntryProcessor only extends Serializable)")
public final class StateProcessor implements EntryProcessor<Object, Object, Integer>, IdentifiedDataSerializable {

    /** The answer for a key whose stored version is past its first update, sent without its chain. */
    public static final int NEEDS_CHAIN = -1;
    private static final long serialVersionUID = 1L;
    private static final byte JSON = 0;
    private static final byte JSON_VALUE = 1;
    private static final byte COMPACT = 2;

    private StateForm form;
    private boolean merge;
    private String versionField;
    private long ttlMillis;
    private Map<Object, KeyUpdate> updates;
    private transient StateFold fold;

    /** For Hazelcast, which reads the fields. */
    public StateProcessor() {
    }

    /**
     * @param ttlMillis the entries' time to live, or -1 for the map's own
     * @param updates   the keys' updates, which the processor keeps (one is made per call, for one partition's keys)
     */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "made per call from a map of its own; a copy per "
            + "partition call showed in the task's profile")
    public StateProcessor(StateFold fold, boolean merge, String versionField, long ttlMillis,
                          Map<Object, KeyUpdate> updates) {
        this.form = fold.form();
        this.merge = merge;
        this.versionField = versionField;
        this.ttlMillis = ttlMillis;
        this.updates = updates;
        this.fold = fold;
    }

    @Override
    public Integer process(Map.Entry<Object, Object> entry) {
        KeyUpdate update = updates.get(entry.getKey());
        if (update == null) {
            return null;
        }
        KeyUpdate.Outcome outcome = fold().apply(entry.getKey(), entry.getValue(), update);
        if (outcome.needsChain()) {
            return NEEDS_CHAIN;
        }
        if (outcome.delete()) {
            entry.setValue(null);
        } else if (outcome.stored() != null) {
            if (ttlMillis >= 0 && entry instanceof ExtendedMapEntry<Object, Object> extended) {
                extended.setValue(outcome.stored(), ttlMillis, TimeUnit.MILLISECONDS);
            } else {
                entry.setValue(outcome.stored());
            }
        }
        return outcome.stale() == 0 ? null : outcome.stale();
    }

    private StateFold fold() {
        StateFold made = fold;
        if (made == null) {
            made = new StateFold(form, merge, versionField);
            fold = made;
        }
        return made;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        if (form instanceof CompactForm compact) {
            out.writeByte(COMPACT);
            out.writeString(compact.typeName());
            out.writeBoolean(compact.kindsFromColumns());
        } else {
            out.writeByte(((JsonForm) form).jsonValue() ? JSON_VALUE : JSON);
        }
        out.writeBoolean(merge);
        out.writeString(versionField);
        out.writeLong(ttlMillis);
        out.writeInt(updates.size());
        for (Map.Entry<Object, KeyUpdate> keyed : updates.entrySet()) {
            out.writeObject(keyed.getKey());
            KeyUpdate update = keyed.getValue();
            out.writeBoolean(update.folded() != null);
            if (update.folded() != null) {
                form.encodeDocument(out, update.folded());
            }
            writeVersion(out, update.from());
            out.writeBoolean(update.afterDelete());
            out.writeInt(update.dropped());
            List<StateUpdate> chain = update.chain();
            out.writeInt(chain == null ? -1 : chain.size());
            if (chain != null) {
                for (StateUpdate next : chain) {
                    form.encodeDocument(out, next.document());
                    writeVersion(out, next.version());
                }
            }
        }
    }

    /**
     * A version as a long and a scale where it fits (epoch millis, counters), else as text: Hazelcast's own writing of
     * a BigDecimal (its BigInteger's bytes, through the serializer lookup) showed in the task's profile (issue #31).
     */
    private static void writeVersion(ObjectDataOutput out, BigDecimal version) throws IOException {
        if (version == null) {
            out.writeByte(0);
        } else if (version.precision() <= 18) {
            out.writeByte(1);
            out.writeLong(version.unscaledValue().longValue());
            out.writeInt(version.scale());
        } else {
            out.writeByte(2);
            out.writeString(version.toString());
        }
    }

    private static BigDecimal readVersion(ObjectDataInput in) throws IOException {
        return switch (in.readByte()) {
            case 0 -> null;
            case 1 -> BigDecimal.valueOf(in.readLong(), in.readInt());
            default -> new BigDecimal(in.readString());
        };
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        byte kind = in.readByte();
        form = kind == COMPACT ? new CompactForm(in.readString(), in.readBoolean()) : new JsonForm(kind == JSON_VALUE);
        merge = in.readBoolean();
        versionField = in.readString();
        ttlMillis = in.readLong();
        int keys = in.readInt();
        updates = new HashMap<>(keys * 4 / 3 + 1);
        for (int k = 0; k < keys; k++) {
            Object key = in.readObject();
            Object folded = in.readBoolean() ? form.decodeDocument(in) : null;
            BigDecimal from = readVersion(in);
            boolean afterDelete = in.readBoolean();
            int dropped = in.readInt();
            int size = in.readInt();
            List<StateUpdate> chain = null;
            if (size >= 0) {
                chain = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    Object document = form.decodeDocument(in);
                    chain.add(new StateUpdate(document, readVersion(in)));
                }
            }
            updates.put(key, new KeyUpdate(folded, from, chain, afterDelete, dropped));
        }
    }

    @Override
    public int getFactoryId() {
        return MemberSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return MemberSerializers.STATE;
    }
}
