package io.streamgrid.mqtt.sink;

import java.util.Map;

/** MQTT 5's reason codes a broker refuses a PUBLISH with (PUBACK or PUBREC), named as the standard names them. */
final class ReasonCodes {

    private static final Map<Integer, String> NAMES = Map.of(
            0x80, "Unspecified error",
            0x83, "Implementation specific error",
            0x87, "Not authorized",
            0x90, "Topic Name invalid",
            0x91, "Packet Identifier in use",
            0x97, "Quota exceeded",
            0x99, "Payload format invalid");

    private ReasonCodes() {
    }

    /** {@code the broker refused it: reason code 0x87 (Not authorized)}. */
    static String describe(int reasonCode) {
        return "the broker refused it: reason code 0x" + Integer.toHexString(reasonCode) + " ("
                + NAMES.getOrDefault(reasonCode, "not a PUBACK reason code of MQTT 5") + ")";
    }
}
