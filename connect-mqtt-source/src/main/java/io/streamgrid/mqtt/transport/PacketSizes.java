package io.streamgrid.mqtt.transport;

import java.nio.charset.StandardCharsets;

/**
 * The size of an MQTT 3.1.1 PUBLISH packet, so a message too large for the broker is known before it is sent (the
 * mqttv5 client computes its own; the mqttv3 client has no public way).
 */
final class PacketSizes {

    private PacketSizes() {
    }

    static long publish(String topic, int qos, long payloadLength) {
        long remaining = 2 + topic.getBytes(StandardCharsets.UTF_8).length + (qos > 0 ? 2 : 0) + payloadLength;
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    /** Bytes of MQTT's variable byte integer: 7 bits each; past 4 bytes MQTT cannot encode it (counted as 5). */
    private static int variableByteIntegerSize(long value) {
        int bytes = 1;
        for (long rest = value >>> 7; rest > 0 && bytes < 5; rest >>>= 7) {
            bytes++;
        }
        return bytes;
    }
}
