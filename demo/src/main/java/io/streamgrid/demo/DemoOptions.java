package io.streamgrid.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the demo runs with: ports, the simulated devices and their rates, how long it runs and how it shows itself.
 * Every option has a default, so the README's command needs none.
 */
record DemoOptions(int hazelcastPort, int mqttPort, int coapPort, int registryPort, int dashboardPort,
        int coapSensors, long coapIntervalMs, int mqttDevices, long mqttIntervalMs, long seconds, boolean plain) {

    static final String USAGE = """
            Options (all optional, as --name value):
              --hazelcast-port 5701     the Hazelcast member
              --mqtt-port 1883          the MQTT broker (Apache ActiveMQ Artemis: MQTT 3.1.1 and 5)
              --coap-port 5633          the CoAP sensors (UDP)
              --registry-port 8081      Apicurio Registry
              --dashboard-port 8080     the web dashboard (0: any free port)
              --coap-sensors 5          simulated CoAP sensors behind one observable resource
              --coap-interval-ms 2500   each sensor's reading interval
              --mqtt-devices 5          simulated MQTT devices
              --mqtt-interval-ms 1000   each device's reading interval
              --seconds 0               stop after this many seconds (0: run until Ctrl-C)
              --terminal auto           auto: refresh in place on the terminal; plain: print each view below the last
            """;

    private static final Set<String> NAMES = Set.of("hazelcast-port", "mqtt-port", "coap-port", "registry-port",
            "dashboard-port", "coap-sensors", "coap-interval-ms", "mqtt-devices", "mqtt-interval-ms", "seconds",
            "terminal");

    DemoOptions {
        positive("coap-sensors", coapSensors);
        positive("coap-interval-ms", coapIntervalMs);
        positive("mqtt-devices", mqttDevices);
        positive("mqtt-interval-ms", mqttIntervalMs);
        if (seconds < 0) {
            throw new IllegalArgumentException("--seconds must be 0 (run until Ctrl-C) or more, not " + seconds);
        }
    }

    /** The options in {@code args}; an unknown name or a value that is not a number is an error naming it. */
    static DemoOptions parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            given.put(name, args[i + 1]);
        }
        String terminal = given.getOrDefault("terminal", "auto");
        if (!terminal.equals("auto") && !terminal.equals("plain")) {
            throw new IllegalArgumentException("--terminal is auto or plain, not '" + terminal + "'");
        }
        return new DemoOptions(port(given, "hazelcast-port", 5701), port(given, "mqtt-port", 1883),
                port(given, "coap-port", 5633), port(given, "registry-port", 8081), port(given, "dashboard-port", 8080),
                (int) number(given, "coap-sensors", 5), number(given, "coap-interval-ms", 2500),
                (int) number(given, "mqtt-devices", 5), number(given, "mqtt-interval-ms", 1000),
                number(given, "seconds", 0), terminal.equals("plain"));
    }

    /** What runs, in the words the README uses. */
    String devicesDescription() {
        return String.format(java.util.Locale.ROOT, "%d CoAP sensors (a reading each every %d ms, %.1f/s in all), "
                + "%d MQTT devices (a reading each every %d ms, %.1f/s in all)", coapSensors, coapIntervalMs,
                coapSensors * 1000.0 / coapIntervalMs, mqttDevices, mqttIntervalMs, mqttDevices * 1000.0 / mqttIntervalMs);
    }

    private static int port(Map<String, String> given, String name, int fallback) {
        long port = number(given, name, fallback);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--" + name + " must be a port number (0-65535), not " + port);
        }
        return (int) port;
    }

    private static long number(Map<String, String> given, String name, long fallback) {
        String value = given.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + value + "'");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("--" + name + " must be at least 1, not " + value);
        }
    }
}
