package io.streamgrid.mqtt;

/**
 * A message as it arrived, waiting in the queue for {@code poll}. {@code connection} numbers the connection it
 * came on: Paho reuses message ids on a new connection, so an acknowledgement for an older connection must not
 * be sent (the broker sends that message again instead).
 */
record MqttDelivery(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
                    long arrivalMs, long connection) {
}
