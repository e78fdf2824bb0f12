package io.streamgrid.hazelcast.writer;

import java.util.ArrayList;
import java.util.List;

/** Batches of keyless entries for the writer tests: values "v0", "v1", ... in order. */
final class TestBatches {

    private TestBatches() {
    }

    static List<WriteEntry> entries(int count) {
        List<WriteEntry> batch = new ArrayList<>();
        for (Object value : values(count)) {
            batch.add(new WriteEntry(null, value));
        }
        return batch;
    }

    static List<Object> values(int count) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("v" + i);
        }
        return values;
    }
}
