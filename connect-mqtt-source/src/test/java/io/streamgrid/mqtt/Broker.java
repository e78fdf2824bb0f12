package io.streamgrid.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A real MQTT broker for the tests, started and stopped by them. */
public interface Broker extends AutoCloseable {

    /** tcp://127.0.0.1:port */
    String url();

    void stop();

    /** Starts again on the same port, with the sessions it had kept (persistence on). */
    void restart();

    @Override
    void close();

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
