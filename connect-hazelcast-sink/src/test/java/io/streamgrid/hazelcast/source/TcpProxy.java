package io.streamgrid.hazelcast.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a loopback port in front of a member, which a test cuts (every connection closed, no new one
 * accepted: the cluster is away for its clients while it keeps its data) and restores on the same port.
 */
final class TcpProxy implements AutoCloseable {

    private final int target;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    /** False from a cut to the next restore: a connection accepted meanwhile is closed at once. */
    private volatile boolean open;

    TcpProxy(int target) {
        this.target = target;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restore();
    }

    int port() {
        return port;
    }

    /** Accepts connections again, on the same port. */
    void restore() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = socket;
            open = true;
            Thread acceptor = new Thread(() -> accept(socket), "proxy-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes every connection and accepts none until {@link #restore()}. */
    void cut() {
        open = false;
        closeQuietly(server);
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket member = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(member);
                if (!open || socket.isClosed()) { // accepted while the proxy was being cut
                    closeQuietly(client);
                    closeQuietly(member);
                    return;
                }
                pump(client, member);
                pump(member, client);
            } catch (IOException e) {
                return; // cut
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        cut();
    }
}
