package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.hazelcast.source.HazelcastSourceConfig.TaskSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a task's cursors, one per sequence it reads (a ringbuffer's, or each of its share of a map's journal
 * partitions), and finds where each starts: right after the sequence of the last record Kafka has from it (the
 * committed offset), or, for a sequence the connector has never read, at the statement's start (earliest: the oldest
 * item still there; latest: the next item to come). An offset committed in another cluster (every member restarted
 * since) belongs to structures that are gone: the new ones are read from their oldest item. The bounds of all the
 * sequences are asked for together, so a journal's 271 partitions take about one round trip.
 */
final class StartPositions {

    private static final Logger LOG = LoggerFactory.getLogger(StartPositions.class);
    /** How long the start positions may take to learn. */
    private static final long BOUNDS_TIMEOUT_MS = 30_000;

    private final OffsetStorageReader offsets;
    private final TaskSlice slice;

    /** @param offsets the task's committed offsets; null reads none (a worker always gives one) */
    StartPositions(OffsetStorageReader offsets, TaskSlice slice) {
        this.offsets = offsets;
        this.slice = slice;
    }

    /** How a cursor starts, and what its log line says. */
    private enum How {
        /** After the committed offset. */
        COMMITTED,
        /** At the statement's start: no offset committed. */
        START,
        /** At the oldest item: the committed offset is another cluster's. */
        NEW_CLUSTER
    }

    /**
     * Every structure's cursors, each at its start; {@code cluster} is the id of the cluster the client is in (null
     * when unknown). A journal that is not enabled is UnsupportedOperationException.
     */
    Map<ReadLoop.Structure, List<Cursor>> cursors(HazelcastInstance client, List<ReadLoop.Structure> structures,
                                                  String cluster) {
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
            cursors.forEach(c -> sourcePartitions.add(c.sourcePartition()));
            made.put(structure, cursors);
        }
        Map<Map<String, Object>, Map<String, Object>> committed = offsets == null ? null
                : offsets.offsets(sourcePartitions);
        Map<Cursor, How> how = new LinkedHashMap<>();
        Map<Cursor, CompletableFuture<StructureReads.Bounds>> asked = new LinkedHashMap<>();
        made.forEach((structure, cursors) -> cursors.forEach(cursor -> {
            Map<String, Object> offset = committed == null ? null : committed.get(cursor.sourcePartition());
            Object sequence = offset == null ? null : offset.get(StructureId.SEQUENCE_KEY);
            Object committedIn = offset == null ? null : offset.get(StructureId.CLUSTER_KEY);
            if (sequence instanceof Number number && (committedIn == null || cluster == null
                    || cluster.equals(committedIn))) {
                Cursor.Position position = new Cursor.Position(number.longValue(),
                        committedIn == null ? null : committedIn.toString());
                cursor.resumeAt(number.longValue() + 1); // whatever is missing after it is a loss
                cursor.handedOver(position);
                cursor.offered(position);
                how.put(cursor, How.COMMITTED);
                return;
            }
            if (sequence instanceof Number number) {
                LOG.warn("{}: the committed offset (sequence {}) belongs to the cluster {}, not to this one ({}): "
                        + "every member restarted since, and the structure with them; reading it from its oldest item",
                        cursor, number, committedIn, cluster);
            }
            how.put(cursor, sequence instanceof Number ? How.NEW_CLUSTER : How.START);
            asked.put(cursor, structure.reads().bounds(client, cursor).toCompletableFuture());
        }));
        long deadline = System.currentTimeMillis() + BOUNDS_TIMEOUT_MS;
        made.forEach((structure, cursors) -> {
            for (Cursor cursor : cursors) {
                if (how.get(cursor) == How.COMMITTED) {
                    continue;
                }
                StructureReads.Bounds bounds = await(asked.get(cursor), structure, cursor, deadline);
                boolean latest = how.get(cursor) == How.START && structure.start() == StructureType.Start.LATEST;
                long start = latest ? bounds.newest() + 1 : bounds.oldest();
                if (latest) {
                    // anchored: what comes after "now" came after the start, so an item the first read finds
                    // overwritten is a loss (an earliest start's oldest item may move on before the read: no loss)
                    cursor.resumeAt(start);
                    // kept by a heartbeat: a restart goes on from here, not from the newest item then
                    cursor.handedOver(new Cursor.Position(start - 1, cluster));
                } else {
                    cursor.startAt(start);
                }
            }
            log(structure, cursors, how);
        });
        return made;
    }

    private void log(ReadLoop.Structure structure, List<Cursor> cursors, Map<Cursor, How> how) {
        long resumed = cursors.stream().filter(c -> how.get(c) == How.COMMITTED).count();
        long renewed = cursors.stream().filter(c -> how.get(c) == How.NEW_CLUSTER).count();
        if (cursors.size() == 1) {
            Cursor cursor = cursors.get(0);
            LOG.info("Reading {} from sequence {} ({})", cursor, cursor.next(), switch (how.get(cursor)) {
                case COMMITTED -> "after the committed offset";
                case NEW_CLUSTER -> "the oldest item: the offset is another cluster's";
                case START -> "no offset committed: start = " + structure.start().property();
            });
        } else {
            LOG.info("Reading {} partitions of {} (task share {}): {} after their committed offsets, {} from start = "
                    + "{}{}", cursors.size(), structure.id(), slice, resumed, cursors.size() - resumed - renewed,
                    structure.start().property(), renewed == 0 ? ""
                            : ", " + renewed + " from the oldest item (their offsets are another cluster's)");
        }
    }

    private static StructureReads.Bounds await(CompletableFuture<StructureReads.Bounds> bounds,
                                               ReadLoop.Structure structure, Cursor cursor, long deadline) {
        try {
            return bounds.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException unsupported) {
                throw new UnsupportedOperationException("Cannot read " + structure.id() + ": "
                        + unsupported.getMessage() + ". " + JournalCheck.howToEnable(structure.id().name()), e);
            }
            throw new ConnectException("Cannot find where " + cursor + " starts: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new ConnectException("Cannot find where " + cursor + " starts: the cluster did not answer within "
                    + BOUNDS_TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while finding where " + cursor + " starts", e);
        }
    }
}
