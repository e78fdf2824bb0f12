package io.streamgrid.hazelcast.source;

import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.journal.EventJournalInitialSubscriberState;
import com.hazelcast.internal.journal.EventJournalReader;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.journal.InternalEventJournalMapEvent;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.impl.ReadResultSetImpl;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import com.hazelcast.topic.impl.reliable.ReliableTopicMessage;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Every use of Hazelcast's internal API, in one place: the open-source client has no public API for these, and
 * Hazelcast's own Jet map-journal source reads the journal the same way. Internal classes may change between
 * releases; the compatibility tests read 5.3 and 5.7 members through here (the client is always the plugin's own).
 * <ul>
 *   <li>A map's event journal: {@link EventJournalReader} on the client's map proxy.</li>
 *   <li>A reliable topic's messages: {@link ReliableTopicMessage} items of its ringbuffer, whose payload is still
 *       serialized (the client's serialization service reads it).</li>
 *   <li>The serialized form of what was read ({@link Data}), for the size of a queued item and the bytes of a dead
 *       letter.</li>
 *   <li>The id of the cluster the client is connected to, which changes when every member restarted (the client
 *       only logs it): the structures are new then, and sequences read before mean nothing.</li>
 * </ul>
 */
final class HazelcastInternals {

    private HazelcastInternals() {
    }

    /** A journal partition's oldest and newest sequence. */
    record JournalBounds(long oldest, long newest) {
    }

    /** A reliable topic message: its payload (serialized), when and by which member it was published. */
    record TopicMessage(Object payload, long publishTime, String publisher) {
    }

    /** The serialized key, new value and old value of a journal event (null where there is none). */
    record EventData(Object key, Object newValue, Object oldValue) {
    }

    @SuppressWarnings("unchecked")
    private static EventJournalReader<EventJournalMapEvent<Object, Object>> journal(IMap<Object, Object> map) {
        return (EventJournalReader<EventJournalMapEvent<Object, Object>>) map;
    }

    /** A journal partition's bounds; fails when the map has no event journal (UnsupportedOperationException). */
    static CompletionStage<JournalBounds> journalBounds(IMap<Object, Object> map, int partition) {
        return journal(map).subscribeToEventJournal(partition)
                .thenApply(HazelcastInternals::bounds);
    }

    private static JournalBounds bounds(EventJournalInitialSubscriberState state) {
        return new JournalBounds(state.getOldestSequence(), state.getNewestSequence());
    }

    /**
     * Reads from {@code sequence} on, at least one event (the call waits on the member until there is one) and at
     * most {@code max}. A sequence the journal no longer holds is read from its oldest event (the member moves it;
     * the caller sees the gap in the first sequence); one beyond its newest from the next event to come.
     */
    static CompletionStage<ReadResultSet<EventJournalMapEvent<Object, Object>>> readJournal(
            IMap<Object, Object> map, int partition, long sequence, int max) {
        return journal(map).readFromEventJournal(sequence, 1, max, partition, null, null);
    }

    /** The serialized size of item {@code i} of a read, in bytes. */
    static int serializedSize(ReadResultSet<?> read, int i) {
        Data data = data(read, i);
        return data == null ? 0 : data.totalSize();
    }

    /** The serialized form of item {@code i} of a read, to keep for a dead letter (no copy is made). */
    static Object serialized(ReadResultSet<?> read, int i) {
        return data(read, i);
    }

    private static Data data(ReadResultSet<?> read, int i) {
        if (read instanceof ReadResultSetImpl<?, ?> impl && impl.getDataItems() != null) {
            return impl.getDataItems()[i];
        }
        return null;
    }

    /** The bytes of something {@link #serialized} or {@link #eventData} kept; null for null. */
    static byte[] bytes(Object serialized) {
        return serialized instanceof Data data ? data.toByteArray() : null;
    }

    /** The serialized parts of a journal event, to keep for a dead letter. */
    static EventData eventData(EventJournalMapEvent<?, ?> event) {
        if (event instanceof InternalEventJournalMapEvent internal) {
            return new EventData(internal.getDataKey(), internal.getDataNewValue(), internal.getDataOldValue());
        }
        return new EventData(null, null, null);
    }

    /** A reliable topic's item; null when the item is no reliable topic message. */
    static TopicMessage topicMessage(Object item) {
        if (!(item instanceof ReliableTopicMessage message)) {
            return null;
        }
        Address publisher = message.getPublisherAddress();
        return new TopicMessage(message.getPayload(), message.getPublishTime(),
                publisher == null ? null : publisher.getHost() + ":" + publisher.getPort());
    }

    /** The id of the cluster the client is connected to, or null while it knows none. */
    static UUID clusterId(HazelcastInstance client) {
        if (client instanceof HazelcastClientProxy proxy && proxy.client != null) {
            return proxy.client.getClientClusterService().getClusterId();
        }
        return null;
    }

    /** Deserializes what {@link TopicMessage#payload()} holds, with the client's classes and Compact schemas. */
    static Object deserialize(HazelcastInstance client, Object serialized) {
        return ((SerializationServiceSupport) client).getSerializationService().toObject(serialized);
    }
}
