package io.streamgrid.hazelcast.member;

import com.hazelcast.internal.serialization.DataSerializerHook;
import com.hazelcast.nio.serialization.DataSerializableFactory;

/**
 * Makes this module's entry processors known to a member that has the jar on its class path: Hazelcast finds every
 * {@code META-INF/services/com.hazelcast.DataSerializerHook} on the class path at start, so the member's
 * configuration needs no factory entry. A member without the jar fails to read a processor: the sink's probe
 * ({@link MemberProbe}) tells it so before it sends any.
 * <p>
 * The class ids carry the wire form: a changed form gets new ids, the probe's with the processor's, so a member
 * with another form's jar fails the probe (the task's {@code auto} mode then falls back to the client) and refuses a
 * processor instead of reading it wrongly. Ids 1 and 2 were the first form (the processor's fields through
 * Hazelcast's object serializer); 3 and 4 the second (documents and versions written directly). StateProcessorWireTest
 * pins the current form's bytes to its id and shows the first form refused.
 */
public final class MemberSerializers implements DataSerializerHook {

    /** "SG"; Hazelcast's own factories have negative ids. */
    public static final int FACTORY_ID = 0x5347;
    static final int PROBE = 3;
    static final int STATE = 4;

    @Override
    public int getFactoryId() {
        return FACTORY_ID;
    }

    @Override
    public DataSerializableFactory createFactory() {
        return classId -> switch (classId) {
            case PROBE -> new MemberProbe();
            case STATE -> new StateProcessor();
            default -> null;
        };
    }
}
