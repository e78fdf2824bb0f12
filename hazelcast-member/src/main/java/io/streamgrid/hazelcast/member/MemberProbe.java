package io.streamgrid.hazelcast.member;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.Map;

/**
 * An entry processor that does nothing, sent to every member (over an empty map's partitions) to learn whether each
 * has this module: one without it cannot read the processor and the call fails.
 */
public final class MemberProbe implements EntryProcessor<Object, Object, Object>, IdentifiedDataSerializable {

    private static final long serialVersionUID = 1L;

    @Override
    public Object process(Map.Entry<Object, Object> entry) {
        return null;
    }

    @Override
    public EntryProcessor<Object, Object, Object> getBackupProcessor() {
        return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // nothing: its class id is the message
    }

    @Override
    public void readData(ObjectDataInput in) {
        // nothing
    }

    @Override
    public int getFactoryId() {
        return MemberSerializers.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return MemberSerializers.PROBE;
    }
}
