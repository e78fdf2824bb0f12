package io.streamgrid.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The one address everything the demo opens listens on: a demo on a laptop must not offer an unauthenticated
 * data grid, broker or worker to the network it sits in.
 */
final class Loopback {

    /** 127.0.0.1, as every URL the demo prints says. */
    static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /** A TCP port free on the loopback address now (for servers that must be told their port in advance). */
    static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
