package io.streamgrid.hazelcast.source;

import io.streamgrid.hazelcast.ClusterConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns, about once a second, the newest sequence of every structure the task reads, for the sequence-lag metric.
 * Runs on a thread of its own, since a ringbuffer's bounds are blocking calls; journals, with a call per partition
 * (all asked together), every fifth run.
 */
final class LagProbe implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LagProbe.class);
    private static final int JOURNAL_EVERY = 5;
    private static final long TIMEOUT_S = 30;

    private final ClusterConnection connection;
    private final ReadLoop loop;
    private int runs;

    LagProbe(ClusterConnection connection, ReadLoop loop) {
        this.connection = connection;
        this.loop = loop;
    }

    @Override
    public void run() {
        if (!connection.connected()) {
            return;
        }
        boolean journals = runs++ % JOURNAL_EVERY == 0;
        List<CompletableFuture<?>> asked = new ArrayList<>();
        for (Map.Entry<ReadLoop.Structure, List<Cursor>> entry : loop.cursors().entrySet()) {
            ReadLoop.Structure structure = entry.getKey();
            if (structure.id().type().partitioned() && !journals) {
                continue;
            }
            for (Cursor cursor : entry.getValue()) {
                asked.add(structure.reads().bounds(connection.client(), cursor).toCompletableFuture()
                        .whenComplete((bounds, error) -> {
                            if (bounds != null) {
                                cursor.newest(bounds.newest());
                            } else { // the lag stays as last seen; the reading thread reports what fails
                                LOG.debug("Could not learn the newest sequence of {}: {}", cursor, error.toString());
                            }
                        }));
            }
        }
        try { // all asked together; the next run waits for this one's answers
            CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Could not learn the newest sequence of every structure: {}", e.toString());
        }
    }
}
