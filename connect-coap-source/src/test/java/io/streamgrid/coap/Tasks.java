package io.streamgrid.coap;

import io.streamgrid.common.testing.SourceTasks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.connect.source.SourceRecord;

/** Runs CoAP source tasks as the worker does. */
final class Tasks {

    private Tasks() {
    }

    static Map<String, String> props(String uri, String kcql, String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.coap.uri", uri);
        props.put("connect.coap.kcql", kcql);
        props.put("connect.coap.poll.wait", "100");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    static CoapSourceTask start(Map<String, String> props) {
        return SourceTasks.start(new CoapSourceTask(), props);
    }

    /** Polls until {@code until} holds for the records so far, or the time is up. */
    static List<SourceRecord> pollUntil(CoapSourceTask task, Predicate<List<SourceRecord>> until, long timeoutMs)
            throws InterruptedException {
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!until.test(all) && System.nanoTime() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                all.addAll(batch);
            }
        }
        return all;
    }

    static List<SourceRecord> poll(CoapSourceTask task, int count, long timeoutMs) throws InterruptedException {
        return pollUntil(task, records -> records.size() >= count, timeoutMs);
    }
}
