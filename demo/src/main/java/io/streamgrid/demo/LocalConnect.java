package io.streamgrid.demo;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

/**
 * One Kafka Connect worker (distributed mode) in the demo's JVM, its REST API on 127.0.0.1 only, started as
 * {@code connect-distributed.sh} would. The worker neither exits the JVM when it cannot start (the demo says why and
 * stops what did start) nor registers a shutdown hook: on Ctrl-C the demo stops it in order, after the devices and
 * before the broker it needs, and a hook of its own would race that stop.
 */
final class LocalConnect implements AutoCloseable {

    private static final long STOP_MILLIS = 10_000;

    private final Connect<?> connect;

    private LocalConnect(Connect<?> connect) {
        this.connect = connect;
    }

    /** {@code settings}: worker settings beyond the demo's defaults (plugin.path, ...). */
    static LocalConnect start(String bootstrapServers, Map<String, String> settings) {
        Map<String, String> worker = new HashMap<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "listeners", "http://" + Loopback.HOST + ":0",
                "rest.advertised.host.name", Loopback.HOST,
                "group.id", "demo-connect",
                "config.storage.topic", "demo-connect-configs",
                "offset.storage.topic", "demo-connect-offsets",
                "status.storage.topic", "demo-connect-status",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        for (String storage : new String[] {"config", "offset", "status"}) {
            worker.put(storage + ".storage.replication.factor", "1");
        }
        worker.putAll(settings);
        Exit.setShutdownHookAdder((name, hook) -> { });
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("the Connect worker could not start"
                    + (message == null ? "" : ": " + message) + " (exit status " + status + ")");
        });
        return new LocalConnect(new ConnectDistributed().startConnect(worker));
    }

    /** The worker's REST API, e.g. {@code http://127.0.0.1:40123/}. */
    URI url() {
        return connect.rest().serverUrl();
    }

    /** A REST resource's URL, e.g. {@code connectors}. */
    String endpoint(String resource) {
        return url().resolve(resource).toString();
    }

    /** Stops the worker and waits (up to 10 s) for its herder, whose producers need the broker still there. */
    @Override
    public void close() throws InterruptedException, ExecutionException, TimeoutException {
        connect.stop();
        connect.herderTask().get(STOP_MILLIS, TimeUnit.MILLISECONDS);
    }
}
