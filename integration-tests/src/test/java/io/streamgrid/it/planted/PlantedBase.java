package io.streamgrid.it.planted;

import org.apache.kafka.connect.sink.SinkTaskContext;

/** A class of ours between a Kafka interface and {@link PlantedCaller}: the walk up must pass through it. */
public abstract class PlantedBase implements SinkTaskContext {
}
