package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.hazelcast.source.HazelcastSourceConfig.TaskSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a task's cursors, one per sequence it reads (a ringbuffer's, or each of its share of a map's journal
 * partitions), and finds where each starts: right after the sequence of the last record Kafka has from it (the
 * committed offset), or, for a sequence the connector has never read, at the statement's start (earliest: the oldest
 * item still there; latest: the next item to come).
 */
final class StartPositions {

    private static final Logger LOG = LoggerFactory.getLogger(StartPositions.class);

    private final OffsetStorageReader offsets;
    private final TaskSlice slice;

    /** @param offsets the task's committed offsets; null reads none (a worker always gives one) */
    StartPositions(OffsetStorageReader offsets, TaskSlice slice) {
        this.offsets = offsets;
        this.slice = slice;
    }

    /** Every structure's cursors, each at its start; a journal that is not enabled is UnsupportedOperationException. */
    Map<ReadLoop.Structure, List<Cursor>> cursors(HazelcastInstance client, List<ReadLoop.Structure> structures) {
        int partitions = client.getPartitionService().getPartitions().size();
        if (partitions == 0) {
            throw new IllegalStateException("the client has not learnt the cluster's partitions yet");
        }
        Map<ReadLoop.Structure, List<Cursor>> made = new LinkedHashMap<>();
        List<Map<String, Object>> sourcePartitions = new ArrayList<>();
        for (ReadLoop.Structure structure : structures) {
            List<Cursor> cursors = new ArrayList<>();
            if (structure.id().type().partitioned()) {
                for (int partition = 0; partition < partitions; partition++) {
                    if (slice.reads(partition)) {
                        cursors.add(new Cursor(structure.id(), partition));
                    }
                }
            } else {
                cursors.add(new Cursor(structure.id(), 0));
            }
            cursors.forEach(c -> sourcePartitions.add(c.structure().sourcePartition(c.partition())));
            made.put(structure, cursors);
        }
        Map<Map<String, Object>, Map<String, Object>> committed = offsets == null ? Map.of()
                : offsets.offsets(sourcePartitions);
        made.forEach((structure, cursors) -> start(client, structure, cursors, committed));
        return made;
    }

    private void start(HazelcastInstance client, ReadLoop.Structure structure, List<Cursor> cursors,
                       Map<Map<String, Object>, Map<String, Object>> committed) {
        int resumed = 0;
        for (Cursor cursor : cursors) {
            Map<String, Object> offset = committed == null ? null
                    : committed.get(cursor.structure().sourcePartition(cursor.partition()));
            Object sequence = offset == null ? null : offset.get(StructureId.SEQUENCE_KEY);
            if (sequence instanceof Number number) {
                cursor.next(number.longValue() + 1);
                resumed++;
                continue;
            }
            StructureReads.Bounds bounds = bounds(client, structure, cursor);
            cursor.next(structure.start() == StructureType.Start.EARLIEST ? bounds.oldest() : bounds.newest() + 1);
        }
        if (cursors.size() == 1) {
            Cursor cursor = cursors.get(0);
            LOG.info("Reading {} from sequence {} ({})", cursor, cursor.next(), resumed == 1
                    ? "after the committed offset" : "no offset committed: start = " + structure.start().property());
        } else {
            LOG.info("Reading {} partitions of {} (task share {}): {} after their committed offsets, {} from start = "
                    + "{}", cursors.size(), structure.id(), slice, resumed, cursors.size() - resumed,
                    structure.start().property());
        }
    }

    private static StructureReads.Bounds bounds(HazelcastInstance client, ReadLoop.Structure structure,
                                                Cursor cursor) {
        try {
            return structure.reads().bounds(client, cursor);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException unsupported) {
                throw new UnsupportedOperationException("Cannot read " + structure.id() + ": "
                        + unsupported.getMessage() + ". " + JournalCheck.howToEnable(structure.id().name()), e);
            }
            throw new ConnectException("Cannot find where " + cursor + " starts: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while finding where " + cursor + " starts", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ConnectException("Cannot find where " + cursor + " starts: " + e, e);
        }
    }
}
