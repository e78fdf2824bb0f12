package io.streamgrid.coap.sink;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Runs a CoAP sink task as the worker does: put (again after a RetriableException), preCommit, metrics on JMX. */
final class SinkRun implements AutoCloseable {

    static final String TOPIC = "commands";

    final CoapSinkTask task = new CoapSinkTask();
    final RecordingSinkTaskContext context;
    final String name = "coap-sink-" + System.nanoTime();

    SinkRun(boolean deadLetterQueue, String kcql, String... keysAndValues) {
        context = new RecordingSinkTaskContext(deadLetterQueue);
        Map<String, String> props = new HashMap<>();
        props.put("name", name);
        props.put("topics", TOPIC);
        props.put("connect.coap.kcql", kcql);
        props.put("connect.coap.sink.retry.backoff.ms", "20");
        props.put("connect.coap.retry.interval", "20");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        task.initialize(context);
        task.start(props);
    }

    /** A record of the commands topic, partition 0, with a schemaless (JSON converter) value. */
    static SinkRecord record(long offset, Object key, Map<String, Object> value) {
        return new SinkRecord(TOPIC, 0, key == null ? null : Schema.STRING_SCHEMA, key, null, value, offset,
                System.currentTimeMillis(), TimestampType.CREATE_TIME);
    }

    /**
     * Hands the records to put() as the worker does, also after a RetriableException (the worker hands the same
     * batch back); returns how many times put() threw one.
     */
    int put(Collection<SinkRecord> records) {
        int retriable = 0;
        while (true) {
            try {
                task.put(records);
                return retriable;
            } catch (RetriableException e) {
                retriable++;
                long backOff = context.timeouts.isEmpty() ? 20 : context.timeouts.get(context.timeouts.size() - 1);
                try {
                    Thread.sleep(Math.max(1, backOff)); // the worker's pause before it hands the batch back
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** An empty put(), as the worker makes while it waits: the task acts on the answers that came. */
    int tick() {
        return put(List.of());
    }

    /** An empty put(), then the offset preCommit lets the worker commit for partition 0. */
    long committable(long consumed) {
        tick();
        return preCommit(consumed);
    }

    /** preCommit alone: the offset it returns for partition 0, given that {@code consumed} were handed over. */
    long preCommit(long consumed) {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        return task.preCommit(Map.of(partition, new OffsetAndMetadata(consumed))).get(partition).offset();
    }

    double metric(String attribute) throws JMException {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("kafka.connect:type=plugins,connector=" + name + ",task=0"), attribute)).doubleValue();
    }

    @Override
    public void close() {
        task.stop();
    }
}
