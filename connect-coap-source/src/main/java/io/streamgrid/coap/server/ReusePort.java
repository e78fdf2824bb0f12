package io.streamgrid.coap.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * UDP sockets that several tasks bind to the same port (SO_REUSEPORT): the kernel spreads datagrams over them by the
 * sender's address and port, so each device stays with one task, whose DTLS session and duplicate detection it
 * needs. Californium's connectors open a plain {@code DatagramSocket}, which cannot set the option; these open a
 * {@code DatagramChannel} with it and hand its socket to the connector. Linux and macOS support it; elsewhere
 * opening one is an IOException that says to use {@code connect.coap.server.ports=per-task}.
 */
final class ReusePort {

    private ReusePort() {
    }

    /** An unbound socket with SO_REUSEPORT set, of the address family of {@code address}. */
    static DatagramSocket socket(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open(address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            return channel.socket();
        } catch (UnsupportedOperationException e) {
            channel.close();
            throw new IOException("this system cannot share a UDP port between tasks (no SO_REUSEPORT); set "
                    + CoapServerConfig.PORTS_CONFIG + "=per-task", e);
        }
    }

    /** Californium's UDP connector on a socket that shares its port. */
    static final class Udp extends UDPConnector {

        Udp(InetSocketAddress address, Configuration configuration) {
            super(address, configuration);
        }

        @Override
        public synchronized void start() throws IOException {
            if (isRunning()) {
                return;
            }
            DatagramSocket socket = socket(localAddr);
            try {
                socket.bind(localAddr);
                init(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }

    /** Scandium's DTLS connector on a socket that shares its port. */
    static final class Dtls extends DTLSConnector {

        Dtls(DtlsConnectorConfig config) {
            super(config);
        }

        @Override
        protected void start(InetSocketAddress bindAddress) throws IOException {
            if (isRunning()) {
                return;
            }
            DatagramSocket socket = socket(bindAddress);
            try {
                init(bindAddress, socket, null);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }
}
