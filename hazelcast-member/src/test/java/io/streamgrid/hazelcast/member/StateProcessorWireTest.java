package io.streamgrid.hazelcast.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.internal.nio.BufferObjectDataOutput;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wire rule of the member module: a changed form of the state processor gets new class ids, so a member with
 * another form's jar refuses it (and fails the probe, so {@code auto} falls back to the client) instead of reading it
 * wrongly: the first form read by the second deleted a stored entry without a word.
 */
class StateProcessorWireTest {

    /**
     * Each form's bytes for {@link #sample()}, by the state processor's class id. A test failing here changed the
     * form: give the probe and the processor new ids (MemberSerializers) and add the new form under the new id.
     */
    private static final Map<Integer, String> FORMS = Map.of(4,
            "0001000000027473ffffffffffffffff00000001fffffff5000000016b01000000077b2261223a317d010000000000"
                    + "00000500000000000000000000000001000000077b2261223a317d01000000000000000500000000");

    private final InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();

    @AfterEach
    void stop() {
        serialization.dispose();
    }

    private static StateProcessor sample() {
        JsonObject document = JsonForm.parseObject("{\"a\":1}");
        KeyUpdate update = new KeyUpdate(document, BigDecimal.valueOf(5),
                List.of(new StateUpdate(document, BigDecimal.valueOf(5))), false, 0);
        return new StateProcessor(new StateFold(new JsonForm(false), true, "ts"), true, "ts", -1, Map.of("k", update));
    }

    @Test
    void theProcessorsFormIsTheOneItsClassIdNames() throws IOException {
        BufferObjectDataOutput out = serialization.createObjectDataOutput();
        sample().writeData(out);

        assertThat(HexFormat.of().formatHex(out.toByteArray()))
                .as("the wire form of class id %d; a changed form needs new ids", MemberSerializers.STATE)
                .isEqualTo(FORMS.get(MemberSerializers.STATE));
        assertThat(MemberSerializers.PROBE).as("the probe's id changes with the processor's, so an older jar fails "
                + "the probe").isEqualTo(MemberSerializers.STATE - 1);
    }

    @Test
    void aProcessorWrittenInTheFirstFormIsRefused() {
        HeapData first = (HeapData) serialization.toData(new FirstFormProcessor());

        assertThatThrownBy(() -> serialization.toObject(first)).isInstanceOf(HazelcastSerializationException.class);
    }

    @Test
    void theFirstFormsProbeIsRefused() {
        HeapData first = (HeapData) serialization.toData(new FirstFormProbe());

        assertThatThrownBy(() -> serialization.toObject(first)).isInstanceOf(HazelcastSerializationException.class);
    }

    /**
     * The first form (class id 2, written through Hazelcast's object serializer) of a merge without a version guard
     * for one key with a single update: the second form's reader took it for a tombstone and deleted the entry.
     */
    private static final class FirstFormProcessor extends FirstForm {

        FirstFormProcessor() {
            super(2);
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeByte(0);
            out.writeBoolean(true);
            out.writeString(null);
            out.writeLong(-1);
            out.writeInt(1);
            out.writeObject("k");
            out.writeObject(null);
            out.writeObject(null);
            out.writeBoolean(false);
            out.writeInt(0);
            out.writeInt(1);
            out.writeObject("{\"a\":1}");
            out.writeObject(null);
        }
    }

    /** The first form's probe (class id 1): nothing but its id. */
    private static final class FirstFormProbe extends FirstForm {

        FirstFormProbe() {
            super(1);
        }

        @Override
        public void writeData(ObjectDataOutput out) {
            // nothing: its class id is the message
        }
    }

    /** Something the first form's jar wrote under the module's factory: only ever written here, never read. */
    private abstract static class FirstForm implements IdentifiedDataSerializable {

        private final int classId;

        FirstForm(int classId) {
            this.classId = classId;
        }

        @Override
        public void readData(ObjectDataInput in) {
            throw new UnsupportedOperationException("written only");
        }

        @Override
        public int getFactoryId() {
            return MemberSerializers.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return classId;
        }
    }
}
