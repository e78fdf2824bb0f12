package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a map's event journal is there to read: it is member configuration (off by default), which a client can
 * neither see nor change, so validate asks a partition's journal and, when the member refuses, says how to enable it.
 */
final class JournalCheck {

    private static final long TIMEOUT_S = 5;

    private JournalCheck() {
    }

    /** Why the map's journal cannot be read, with the configuration that enables it; empty when it can. */
    static Optional<String> problem(HazelcastInstance client, String map) {
        try {
            HazelcastInternals.journalBounds(client.getMap(map), 0).toCompletableFuture().get(TIMEOUT_S,
                    TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException) {
                return Optional.of("WITHTYPE MAP_JOURNAL reads the event journal of map '" + map + "', which is not "
                        + "enabled on the cluster's members. " + howToEnable(map));
            }
            return Optional.of("Cannot read the event journal of map '" + map + "': " + e.getCause());
        } catch (TimeoutException e) {
            return Optional.of("The cluster did not answer within " + TIMEOUT_S + " s whether map '" + map
                    + "' has an event journal");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("Interrupted while checking the event journal of map '" + map + "'");
        }
    }

    /** The member configuration that enables a map's event journal, in YAML and XML. */
    static String howToEnable(String map) {
        return "Enable it on every member (then restart them), in hazelcast.yaml:\n"
                + "hazelcast:\n"
                + "  map:\n"
                + "    " + map + ":\n"
                + "      event-journal:\n"
                + "        enabled: true\n"
                + "        capacity: 100000\n"
                + "or in hazelcast.xml: <map name=\"" + map + "\"><event-journal enabled=\"true\"><capacity>100000"
                + "</capacity></event-journal></map>. The capacity is shared by all the map's partitions (271 by "
                + "default: 100,000 keeps about 370 changes a partition); make it hold what the connector may fall "
                + "behind by";
    }
}
