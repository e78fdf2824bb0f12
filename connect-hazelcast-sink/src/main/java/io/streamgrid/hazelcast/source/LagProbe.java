package io.streamgrid.hazelcast.source;

import io.streamgrid.hazelcast.ClusterConnection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns, about once a second, the newest sequence of every structure the task reads, for the sequence-lag metric.
 * Runs on a thread of its own, since it asks the cluster with blocking calls; journals, with a call per partition,
 * every fifth run.
 */
final class LagProbe implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LagProbe.class);
    private static final int JOURNAL_EVERY = 5;

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
        for (Map.Entry<ReadLoop.Structure, List<Cursor>> entry : loop.cursors().entrySet()) {
            ReadLoop.Structure structure = entry.getKey();
            if (structure.id().type().partitioned() && !journals) {
                continue;
            }
            for (Cursor cursor : entry.getValue()) {
                try {
                    cursor.newest(structure.reads().bounds(connection.client(), cursor).newest());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) { // the lag stays as last seen; the reading thread reports what fails
                    LOG.debug("Could not learn the newest sequence of {}: {}", cursor, e.toString());
                }
            }
        }
    }
}
