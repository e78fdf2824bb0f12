package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's demo command runs the whole flow: it is run here for a while and must show data arriving. */
class DemoIT {

    @Test
    void demoShowsCoapAndMqttDataArrivingInHazelcast() throws Exception {
        String view = Demo.run(new String[] {"--seconds", "24", "--hazelcast-port", String.valueOf(freeTcp()),
                "--mqtt-port", String.valueOf(freeTcp()), "--coap-port", String.valueOf(freeUdp()),
                "--registry-port", String.valueOf(freeTcp())});
        assertThat(count(view, "queue dev taken (\\d+)")).isPositive();
        assertThat(count(view, "ringbuffer sensor_ringbuffer (\\d+)")).isPositive();
        assertThat(count(view, "ringbuffer readings (\\d+)")).isPositive();
        assertThat(count(view, "map device_state (\\d+)")).isEqualTo(5);
        assertThat(view).contains("recent CoAP readings taken from queue dev:\n  {\"sensorId\":\"Sensor")
                .contains("sql> " + Demo.DEVICE_STATE_SQL).containsPattern("\n  device-1 +temperature [0-9.]+  humidity "
                        + "[0-9.]+  ts [0-9]{13}\n").contains("end-to-end latency")
                .contains("telemetry-value", "coap_sensor_topic-value");
    }

    private static long count(String view, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(view);
        assertThat(matcher.find()).as("the view shows " + regex + ":\n" + view).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static int freeTcp() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdp() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
