package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads a ringbuffer, or the ringbuffer behind a reliable topic, whose items are {@code ReliableTopicMessage}s with
 * the payload, the publish time and the publisher. Reading the topic's ringbuffer (rather than listening to the
 * topic) gives every message its exact sequence, which is the offset a restarted task goes on from. The member moves a
 * read of a sequence the ringbuffer has overwritten to its oldest item (5.3.8 and 5.7.0 members alike), and one
 * beyond its end to the next item to come; the reading thread sees either in the answer's first sequence.
 */
final class RingbufferReads implements StructureReads {

    private final boolean topic;

    RingbufferReads(StructureType type) {
        this.topic = type == StructureType.RELIABLE_TOPIC;
    }

    private static Ringbuffer<Object> ringbuffer(HazelcastInstance client, Cursor cursor) {
        return client.getRingbuffer(cursor.structure().ringbuffer());
    }

    /** Reads at most {@code max} items, and never more than the ringbuffer holds (Hazelcast refuses that). */
    @Override
    public CompletionStage<? extends ReadResultSet<?>> read(HazelcastInstance client, Cursor cursor, int max) {
        Ringbuffer<Object> ringbuffer = ringbuffer(client, cursor);
        int most = (int) Math.min(max, ringbuffer.capacity()); // the proxy asks the cluster once, then knows
        return ringbuffer.readManyAsync(cursor.next(), 1, most, null);
    }

    /** Asked at once: a ringbuffer's proxy has no asynchronous head and tail, and a task reads one per ringbuffer. */
    @Override
    public CompletionStage<Bounds> bounds(HazelcastInstance client, Cursor cursor) {
        try {
            Ringbuffer<Object> ringbuffer = ringbuffer(client, cursor);
            long newest = ringbuffer.tailSequence();
            return CompletableFuture.completedFuture(new Bounds(ringbuffer.headSequence(), newest));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public SourceItem item(HazelcastInstance client, Cursor cursor, ReadResultSet<?> read, int i, long readAtMs,
                           String cluster) {
        long sequence = read.getSequence(i);
        Object serialized = HazelcastInternals.serialized(read, i);
        int bytes = HazelcastInternals.serializedSize(read, i);
        Object value = null;
        Long publishTime = null;
        String publisher = null;
        RuntimeException unreadable = null;
        try {
            Object item = read.get(i);
            if (topic) {
                HazelcastInternals.TopicMessage message = HazelcastInternals.topicMessage(item);
                if (message == null) {
                    throw new HazelcastSerializationException("the ringbuffer " + cursor.structure().ringbuffer()
                            + " holds a " + (item == null ? "null" : item.getClass().getName()) + ", not a reliable "
                            + "topic message");
                }
                publishTime = message.publishTime();
                publisher = message.publisher();
                serialized = message.payload();
                value = HazelcastInternals.deserialize(client, message.payload());
            } else {
                value = item;
            }
        } catch (HazelcastSerializationException e) {
            unreadable = e;
        }
        return new SourceItem(cursor, sequence, cluster, readAtMs, null, null, value, null,
                publishTime, publisher, unreadable, null, serialized, bytes);
    }
}
