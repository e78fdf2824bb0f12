package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenSocketsTest {

    @Test
    void readsTheKernelsLittleEndianAddresses() {
        assertThat(OpenSockets.address("0100007F").getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(OpenSockets.address("00000000").isAnyLocalAddress()).isTrue();
        assertThat(OpenSockets.address("00000000000000000000000001000000").isLoopbackAddress()).as("::1").isTrue();
        assertThat(OpenSockets.address("00000000000000000000000000000000").isAnyLocalAddress()).as("::").isTrue();
        assertThat(OpenSockets.address("0000000000000000FFFF00000100007F").getHostAddress())
                .as("IPv4-mapped").isEqualTo("127.0.0.1");
    }

    @Test
    void findsThisJvmsListenersWithTheirAddresses() throws Exception {
        try (ServerSocket loopback = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket everywhere = new ServerSocket(0)) {
            List<OpenSockets.Listener> listeners = OpenSockets.listeners(List.of(ProcessHandle.current()));
            assertThat(listeners).anySatisfy(listener -> {
                assertThat(listener.port()).isEqualTo(loopback.getLocalPort());
                assertThat(listener.onLoopback()).isTrue();
            }).anySatisfy(listener -> {
                assertThat(listener.port()).isEqualTo(everywhere.getLocalPort());
                assertThat(listener.onLoopback()).isFalse();
            });
        }
    }
}
