package io.streamgrid.hazelcast.member;

import com.hazelcast.internal.serialization.DataSerializerHook;
import com.hazelcast.nio.serialization.DataSerializableFactory;

/**
 * Makes this module's entry processors known to a member that has the jar on its class path: Hazelcast finds every
 * {@code META-INF/services/com.hazelcast.DataSerializerHook} on the class path at start, so the member's
 * configuration needs no factory entry. A member without the jar fails to read a processor: the sink's probe
 * ({@link MemberProbe}) tells it so before it sends any.
 * <p>
 * The class ids carry the wire version: a changed form gets new ids, so a member with an older jar refuses it
 * instead of reading it wrongly.
 */
public final class MemberSerializers implements DataSerializerHook {

    /** "SG"; Hazelcast's own factories have negative ids. */
    public static final int FACTORY_ID = 0x5347;
    static final int PROBE = 1;
    static final int STATE = 2;

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
