package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsAreWhatTheReadmeSays() {
        DemoOptions options = DemoOptions.parse();
        assertThat(options.hazelcastPort()).isEqualTo(5701);
        assertThat(options.dashboardPort()).isEqualTo(8080);
        assertThat(options.seconds()).isZero();
        assertThat(options.plain()).isFalse();
        assertThat(options.devicesDescription()).isEqualTo("5 CoAP sensors (a reading each every 2500 ms, 2.0/s in "
                + "all), 5 MQTT devices (a reading each every 1000 ms, 5.0/s in all)");
    }

    @Test
    void optionsChangeRatesAndSizes() {
        DemoOptions options = DemoOptions.parse("--mqtt-devices", "50", "--mqtt-interval-ms", "100", "--terminal",
                "plain");
        assertThat(options.devicesDescription()).endsWith("50 MQTT devices (a reading each every 100 ms, 500.0/s in all)");
        assertThat(options.plain()).isTrue();
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> DemoOptions.parse("--mqtt-devcies", "5")).hasMessage("unknown option '--mqtt-devcies'");
        assertThatThrownBy(() -> DemoOptions.parse("--seconds")).hasMessage("option --seconds needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--mqtt-port", "x")).hasMessage("--mqtt-port must be a whole number, not 'x'");
        assertThatThrownBy(() -> DemoOptions.parse("--mqtt-port", "70000"))
                .hasMessage("--mqtt-port must be a port number (0-65535), not 70000");
        assertThatThrownBy(() -> DemoOptions.parse("--coap-sensors", "0")).hasMessage("--coap-sensors must be at least 1, not 0");
        assertThatThrownBy(() -> DemoOptions.parse("--terminal", "fancy")).hasMessage("--terminal is auto or plain, not 'fancy'");
    }
}
