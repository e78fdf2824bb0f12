package io.streamgrid.mqtt;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The acknowledgement a message owes the broker, sent once Kafka has every record made from it (one per
 * statement that matched). Records report in from the producer's thread.
 */
final class Acknowledgement {

    private final MqttDelivery delivery;
    private final AtomicInteger remaining;
    private final Consumer<MqttDelivery> ack;

    Acknowledgement(MqttDelivery delivery, int records, Consumer<MqttDelivery> ack) {
        this.delivery = delivery;
        this.remaining = new AtomicInteger(records);
        this.ack = ack;
    }

    /** One record of the message is in Kafka; the last one sends the acknowledgement. */
    void recordDone() {
        if (remaining.decrementAndGet() == 0) {
            ack.accept(delivery);
        }
    }
}
