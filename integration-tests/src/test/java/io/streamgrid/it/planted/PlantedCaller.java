package io.streamgrid.it.planted;

/**
 * A deliberately planted breach of the compatibility rule, for {@code OldestWorkerApiIT} to find: a call to
 * {@code SinkTaskContext.pluginMetrics()} (Kafka 4.1) outside the guard, inherited through our own classes, so the
 * byte code names {@code PlantedCaller}, not the Kafka interface, as the method's owner. It lives in the test
 * sources only and is never packaged into a plugin.
 */
public abstract class PlantedCaller extends PlantedBase {

    public Object metrics() {
        return pluginMetrics();
    }
}
