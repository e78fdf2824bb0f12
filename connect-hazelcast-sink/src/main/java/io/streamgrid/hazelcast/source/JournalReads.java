package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.ringbuffer.ReadResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads one partition of a map's event journal. The member moves a sequence the journal no longer holds to its
 * oldest event instead of failing, so the reading thread finds a gap in the first sequence it gets.
 */
final class JournalReads implements StructureReads {

    private static IMap<Object, Object> map(HazelcastInstance client, Cursor cursor) {
        return client.getMap(cursor.structure().name());
    }

    @Override
    public CompletionStage<? extends ReadResultSet<?>> read(HazelcastInstance client, Cursor cursor, int max) {
        return HazelcastInternals.readJournal(map(client, cursor), cursor.partition(), cursor.next(), max);
    }

    @Override
    public CompletionStage<Bounds> bounds(HazelcastInstance client, Cursor cursor) {
        try {
            return HazelcastInternals.journalBounds(map(client, cursor), cursor.partition())
                    .thenApply(bounds -> new Bounds(bounds.oldest(), bounds.newest()));
        } catch (RuntimeException e) { // a client going offline fails making the proxy: a failed answer, as any other
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public SourceItem item(HazelcastInstance client, Cursor cursor, ReadResultSet<?> read, int i, long readAtMs,
                           String cluster) {
        long sequence = read.getSequence(i);
        int bytes = HazelcastInternals.serializedSize(read, i);
        EventJournalMapEvent<?, ?> event = (EventJournalMapEvent<?, ?>) read.get(i);
        HazelcastInternals.EventData data = HazelcastInternals.eventData(event);
        Object key = null;
        Object value = null;
        Object old = null;
        RuntimeException unreadable = null;
        try {
            key = event.getKey();
            value = event.getNewValue();
            old = event.getOldValue();
        } catch (HazelcastSerializationException e) {
            unreadable = e;
        }
        return new SourceItem(cursor, sequence, cluster, readAtMs, event.getType(), key,
                value, old, null, null, unreadable, data.key(),
                data.newValue() != null ? data.newValue() : data.oldValue(), bytes);
    }
}
