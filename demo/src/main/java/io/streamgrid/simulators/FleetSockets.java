package io.streamgrid.simulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The UDP sockets of a fleet of simulated devices, one of its own per device (its own source port, as real devices
 * behind NAT have), all served by one thread: a selector reads what comes to any of them and sends what any device
 * queued. Ten thousand devices are ten thousand sockets and one thread.
 */
final class FleetSockets implements AutoCloseable {

    /** What the fleet does with a datagram that came to one of its devices; runs on the sockets' thread. */
    interface Receiver {
        void received(int device, byte[] datagram, InetSocketAddress from);
    }

    private record Outgoing(int device, ByteBuffer bytes, SocketAddress to) {
    }

    private final DatagramChannel[] channels;
    private final Selector selector;
    private final Receiver receiver;
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Outgoing> blocked = new ArrayDeque<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean open = true;

    FleetSockets(String host, int devices, Receiver receiver, String name) {
        this.receiver = receiver;
        this.channels = new DatagramChannel[devices];
        try {
            selector = Selector.open();
            for (int i = 0; i < devices; i++) {
                DatagramChannel channel = DatagramChannel.open();
                channels[i] = channel;
                channel.bind(new InetSocketAddress(host, 0));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, i);
            }
        } catch (IOException e) {
            closeChannels();
            throw new UncheckedIOException("cannot open " + devices + " UDP sockets on " + host + " (ulimit -n?)", e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The local port device {@code device} sends from and listens on. */
    int port(int device) {
        try {
            return ((InetSocketAddress) channels[device].getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return channels.length;
    }

    /** Queues a datagram from {@code device} to {@code to}; any thread. */
    void send(int device, byte[] datagram, InetSocketAddress to) {
        outbox.add(new Outgoing(device, ByteBuffer.wrap(datagram), to));
        if (woken.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (open) {
                selector.select(blocked.isEmpty() ? 0 : 1);
                woken.set(false);
                flush();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    int device = (Integer) key.attachment();
                    SocketAddress from;
                    while ((from = receive(channel, buffer)) != null) {
                        buffer.flip();
                        byte[] datagram = Arrays.copyOf(buffer.array(), buffer.limit());
                        try {
                            receiver.received(device, datagram, (InetSocketAddress) from);
                        } catch (RuntimeException e) {
                            System.err.println("Fleet device " + device + " could not handle a datagram: " + e);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (open) {
                System.err.println("The fleet's sockets stopped: " + e);
            }
        }
    }

    private static SocketAddress receive(DatagramChannel channel, ByteBuffer buffer) {
        buffer.clear();
        try {
            return channel.receive(buffer);
        } catch (IOException e) {
            return null; // e.g. an ICMP port unreachable of an earlier send: nothing to read
        }
    }

    /** Sends what is queued; what the kernel cannot take now waits for the next turn, in order. */
    private void flush() {
        Outgoing next;
        while ((next = blocked.isEmpty() ? outbox.poll() : blocked.peekFirst()) != null) {
            boolean sent;
            try {
                sent = channels[next.device()].send(next.bytes(), next.to()) > 0;
            } catch (IOException e) {
                sent = true; // lost, as UDP loses: the device's retransmission covers it
            }
            if (!sent) {
                if (blocked.isEmpty()) {
                    blocked.addLast(next);
                }
                return;
            }
            if (!blocked.isEmpty()) {
                blocked.pollFirst();
            }
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannels();
    }

    private void closeChannels() {
        for (DatagramChannel channel : channels) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
