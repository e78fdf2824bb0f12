package io.streamgrid.mqtt;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a broker that closes a client's first connection when the client sends its first SUBSCRIBE
 * (before the broker sees it), as a broker restarting or a network cut right after CONNACK would; later connections
 * pass through untouched.
 */
final class SubscribeDroppingProxy implements AutoCloseable {

    private static final int SUBSCRIBE = 0x80;
    private final ServerSocket server;
    private final int brokerPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();

    SubscribeDroppingProxy(int brokerPort) throws IOException {
        this.brokerPort = brokerPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "subscribe-dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** How many connections were closed at their SUBSCRIBE. */
    int dropped() {
        return dropped.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                boolean dropAtSubscribe = connections.incrementAndGet() == 1;
                pump("to-broker", () -> toBroker(client, broker, dropAtSubscribe), client, broker);
                pump("to-client", () -> broker.getInputStream().transferTo(client.getOutputStream()), client, broker);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Forwards whole MQTT packets; the first SUBSCRIBE of a connection to drop closes it instead. */
    private void toBroker(Socket client, Socket broker, boolean dropAtSubscribe) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = broker.getOutputStream();
        while (true) {
            int first = in.readUnsignedByte();
            byte[] length = new byte[4];
            int lengthBytes = 0;
            int remaining = 0;
            int multiplier = 1;
            int digit;
            do {
                digit = in.readUnsignedByte();
                length[lengthBytes++] = (byte) digit;
                remaining += (digit & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((digit & 0x80) != 0 && lengthBytes < 4);
            byte[] body = in.readNBytes(remaining);
            if (dropAtSubscribe && (first & 0xF0) == SUBSCRIBE) {
                dropped.incrementAndGet();
                client.close();
                broker.close();
                return;
            }
            out.write(first);
            out.write(length, 0, lengthBytes);
            out.write(body);
            out.flush();
        }
    }

    private interface Pump {
        void run() throws IOException;
    }

    private static void pump(String name, Pump pump, Socket client, Socket broker) {
        Thread thread = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException e) {
                // a side closed
            } finally {
                closeQuietly(client);
                closeQuietly(broker);
            }
        }, "subscribe-dropping-proxy-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
