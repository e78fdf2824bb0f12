package io.streamgrid.mqtt.transport;

import io.streamgrid.mqtt.transport.MqttTransport.Mqtt5Properties;
import io.streamgrid.mqtt.transport.MqttTransport.Outgoing;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The size of an MQTT 3.1.1 PUBLISH packet, so a message too large for the broker is known before it is sent (the
 * mqttv5 client computes its own; the mqttv3 client has no public way), and whether MQTT can encode a message at all.
 */
final class PacketSizes {

    /** MQTT's strings and binary data carry a two-byte length. */
    static final int MAX_STRING_BYTES = 65_535;
    private static final int NAME_SHOWN = 40;

    private PacketSizes() {
    }

    static long publish(String topic, int qos, long payloadLength) {
        long remaining = 2 + topic.getBytes(StandardCharsets.UTF_8).length + (qos > 0 ? 2 : 0) + payloadLength;
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    /**
     * Throws an IllegalArgumentException naming the first string or binary value of the message (its topic, its
     * MQTT 5 properties) that is longer than MQTT can say: Paho's mqttv5 client would write it with a wrong length,
     * a malformed packet the broker drops the connection for.
     */
    static void checkEncodable(Outgoing message) {
        checkString("the topic", message.topic());
        Mqtt5Properties properties = message.properties();
        if (properties == null) {
            return;
        }
        checkString("the response topic", properties.responseTopic());
        checkString("the content type", properties.contentType());
        if (properties.correlationData() != null) {
            checkLength("the correlation data", properties.correlationData().length);
        }
        for (Map.Entry<String, String> user : properties.userProperties()) {
            String name = user.getKey().length() <= NAME_SHOWN ? user.getKey()
                    : user.getKey().substring(0, NAME_SHOWN) + "...";
            checkString("the name of the user property '" + name + "'", user.getKey());
            checkString("the user property '" + name + "'", user.getValue());
        }
    }

    private static void checkString(String what, String value) {
        if (value != null && value.length() > MAX_STRING_BYTES / 3) { // below, no UTF-8 encoding is too long
            checkLength(what, value.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    private static void checkLength(String what, int bytes) {
        if (bytes > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes long; MQTT takes at most "
                    + MAX_STRING_BYTES);
        }
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
