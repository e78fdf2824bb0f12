package io.streamgrid.mqtt;

/**
 * A message as it arrived, waiting in the queue for {@code poll}. {@code connection} numbers the connection it
 * came on: Paho reuses message ids on a new connection, so an acknowledgement for an older connection must not
 * be sent (the broker sends that message again instead). {@code properties}: MQTT 5's, null on 3.1.1.
 */
record MqttDelivery(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
                    long arrivalMs, long connection, io.streamgrid.mqtt.transport.MqttTransport.Mqtt5Properties properties) {
}
