package io.streamgrid.simulators;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.AddressEndpointContext;

/**
 * A fleet of CoAP devices that send their readings to a server, as NB-IoT and LTE-M sensors do: each device has its
 * own UDP port and its own identity (its id in the path, {@code <prefix>/dev-<n>}), and sends confirmable POSTs of JSON
 * readings {@code {"device":"dev-7","seq":12,"sent_ms":...,"temperature":21.4}} at a rate, or all at once. A device
 * behaves as a Californium client would: it sends again (same message id) while no ACK comes (2 s, then doubling, four
 * times), waits for the separate response, and sends the reading again as a new request when the server answered
 * 5.03 (after its Max-Age) or did not answer at all: at least once. Every 2.xx is counted with its time from the
 * first send, and each device remembers which readings were answered 2.xx, so a test can check that none of them is
 * missing in Kafka.
 *
 * <p>All devices share one thread for their sockets ({@link FleetSockets}) and one for their timers. For observable
 * devices, see {@link ObservableFleet}.
 */
public final class CoapFleetSimulator implements AutoCloseable {

    private static final long ACK_TIMEOUT_MS = 2000;
    private static final int MAX_RETRANSMIT = 4;
    private static final long TICK_MS = 10;
    /** How often the ACKs and answers of every device are checked (every tick would be a million checks a second). */
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** One reading on its way: its request bytes, and when to send it again. */
    private static final class Outstanding {
        final long seq;
        final int mid;
        final Token token;
        final byte[] bytes;
        final long firstNanos;
        long nextNanos;
        int attempts;
        boolean acked;

        Outstanding(long seq, int mid, Token token, byte[] bytes, long firstNanos, long nextNanos) {
            this.seq = seq;
            this.mid = mid;
            this.token = token;
            this.bytes = bytes;
            this.firstNanos = firstNanos;
            this.nextNanos = nextNanos;
        }
    }

    /** A device's state; its methods run on the sockets' or the timer's thread, so each is synchronized. */
    private final class Device {
        final int index;
        final String id;
        final String path;
        long seq;
        int nextMid = ThreadLocalRandom.current().nextInt(65536);
        long nextToken;
        long nextDueNanos;
        final Map<Integer, Outstanding> byMid = new HashMap<>();
        final Map<Token, Outstanding> byToken = new HashMap<>();
        final Set<Long> answered = ConcurrentHashMap.newKeySet();

        Device(int index) {
            this.index = index;
            this.id = "dev-" + index;
            this.path = pathPrefix + "/" + id;
        }

        synchronized void sendReading() {
            send(++seq, System.nanoTime());
        }

        /** Sends reading {@code reading} (again, as a new request when it was sent before), first sent at {@code first}. */
        synchronized void send(long reading, long firstNanos) {
            Request post = Request.newPost();
            post.setURI("coap://" + server.getHostString() + ":" + server.getPort() + "/" + path);
            post.setPayload(String.format(Locale.ROOT, "{\"device\":\"%s\",\"seq\":%d,\"sent_ms\":%d,"
                    + "\"temperature\":%.2f}", id, reading, System.currentTimeMillis(),
                    18 + ThreadLocalRandom.current().nextDouble() * 10).getBytes(StandardCharsets.UTF_8));
            post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            int mid = nextMid;
            nextMid = (nextMid + 1) & 0xffff;
            Token token = Token.fromProvider(longBytes(((long) index << 32) | (nextToken++ & 0xffffffffL)));
            post.setMID(mid);
            post.setToken(token);
            post.setDestinationContext(new AddressEndpointContext(server));
            byte[] bytes = new UdpDataSerializer().getByteArray(post);
            long now = System.nanoTime();
            Outstanding out = new Outstanding(reading, mid, token, bytes, firstNanos,
                    now + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS + ThreadLocalRandom.current().nextLong(1000)));
            byMid.put(mid, out);
            byToken.put(token, out);
            sent.incrementAndGet();
            sockets.send(index, bytes, server);
        }

        synchronized void received(Message message) {
            if (message instanceof EmptyMessage empty) {
                Outstanding out = byMid.get(empty.getMID());
                if (out != null && empty.getType() == CoAP.Type.ACK) {
                    out.acked = true;
                } else if (out != null && empty.getType() == CoAP.Type.RST) {
                    forget(out);
                    failed.incrementAndGet();
                }
                return;
            }
            if (!(message instanceof Response response)) {
                return;
            }
            if (response.getType() == CoAP.Type.CON) {
                EmptyMessage ack = new EmptyMessage(CoAP.Type.ACK);
                ack.setMID(response.getMID());
                ack.setToken(Token.EMPTY);
                sockets.send(index, new UdpDataSerializer().getByteArray(ack), server);
            }
            Outstanding out = response.getType() == CoAP.Type.ACK ? byMid.get(response.getMID())
                    : byToken.get(response.getToken());
            if (out == null) {
                return; // a response sent again, to a reading already answered
            }
            forget(out);
            CoAP.ResponseCode code = response.getCode();
            if (code.isSuccess()) {
                answered.add(out.seq);
                acknowledged.incrementAndGet();
                latencies.add(System.nanoTime() - out.firstNanos);
            } else if (code == CoAP.ResponseCode.SERVICE_UNAVAILABLE) {
                refused.incrementAndGet();
                long maxAge = response.getOptions().hasMaxAge() ? response.getOptions().getMaxAge() : 1;
                timer.schedule(() -> send(out.seq, out.firstNanos), maxAge, TimeUnit.SECONDS);
            } else {
                failed.incrementAndGet();
            }
        }

        private void forget(Outstanding out) {
            byMid.remove(out.mid);
            byToken.remove(out.token);
        }

        /** Sends again what got no ACK in time; a reading without an answer for too long goes again, as new. */
        synchronized void retransmit(long now) {
            List<Outstanding> again = null;
            for (Iterator<Outstanding> it = byMid.values().iterator(); it.hasNext(); ) {
                Outstanding out = it.next();
                if (now < out.nextNanos) {
                    continue;
                }
                if (!out.acked && out.attempts < MAX_RETRANSMIT) {
                    out.attempts++;
                    out.nextNanos = now + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS << out.attempts);
                    retransmissions.incrementAndGet();
                    sockets.send(index, out.bytes, server);
                    continue;
                }
                if (out.acked && now - out.firstNanos < TimeUnit.MILLISECONDS.toNanos(answerTimeoutMs)) {
                    out.nextNanos = now + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS);
                    continue;
                }
                it.remove();
                byToken.remove(out.token);
                unanswered.incrementAndGet();
                if (again == null) {
                    again = new ArrayList<>();
                }
                again.add(out);
            }
            if (again != null) {
                again.forEach(out -> send(out.seq, System.nanoTime()));
            }
        }

        synchronized int waiting() {
            return byMid.size();
        }
    }

    private final InetSocketAddress server;
    private final String pathPrefix;
    private final long answerTimeoutMs;
    private final Device[] devices;
    private final FleetSockets sockets;
    private final ScheduledExecutorService timer;
    private final UdpDataParser parser = new UdpDataParser();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong retransmissions = new AtomicLong();
    private final LatencyLog latencies = new LatencyLog();
    /** The devices by when they send next; the timer's thread only. */
    private final java.util.PriorityQueue<Device> due = new java.util.PriorityQueue<>(
            java.util.Comparator.comparingLong((Device d) -> d.nextDueNanos));
    private long periodNanos;
    private long nextSweepNanos = System.nanoTime();

    /**
     * {@code devices} devices on {@code host} (each its own port) sending to {@code server} at
     * {@code /<pathPrefix>/dev-<n>}; a reading acknowledged but not answered within {@code answerTimeoutMs} is sent
     * again as a new request.
     */
    public CoapFleetSimulator(String host, InetSocketAddress server, String pathPrefix, int devices,
                              long answerTimeoutMs) {
        this.server = server;
        this.pathPrefix = pathPrefix;
        this.answerTimeoutMs = answerTimeoutMs;
        this.devices = new Device[devices];
        for (int i = 0; i < devices; i++) {
            this.devices[i] = new Device(i);
        }
        this.sockets = new FleetSockets(host, devices, this::received, "coap-fleet-sockets");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "coap-fleet-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void received(int device, byte[] datagram, InetSocketAddress from) {
        Message message;
        try {
            message = parser.parseMessage(datagram);
        } catch (RuntimeException e) {
            return; // not CoAP
        }
        devices[device].received(message);
    }

    /** Every device sends one reading every {@code periodMs}, the fleet spread evenly over the period. */
    public void start(long periodMs) {
        long period = TimeUnit.MILLISECONDS.toNanos(periodMs);
        timer.execute(() -> {
            long now = System.nanoTime();
            due.clear();
            for (Device device : devices) {
                device.nextDueNanos = now + period * device.index / devices.length;
                due.add(device);
            }
            periodNanos = period;
        });
    }

    /** Stops sending new readings (those on their way still go on until answered). */
    public void pause() {
        timer.execute(() -> {
            periodNanos = 0;
            due.clear();
        });
    }

    /** Every device sends one reading now. */
    public void burst() {
        for (Device device : devices) {
            device.sendReading();
        }
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            while (periodNanos > 0 && !due.isEmpty() && now >= due.peek().nextDueNanos) {
                Device device = due.poll();
                device.nextDueNanos += periodNanos;
                due.add(device);
                device.sendReading();
            }
            if (now >= nextSweepNanos) {
                nextSweepNanos = now + SWEEP_NANOS;
                for (Device device : devices) {
                    device.retransmit(now);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("The fleet's timer: " + e);
        }
    }

    public int size() {
        return devices.length;
    }

    /** The id of device {@code index}: dev-<index>. */
    public String deviceId(int index) {
        return devices[index].id;
    }

    /** The UDP port device {@code index} sends from. */
    public int port(int index) {
        return sockets.port(index);
    }

    /** The readings (seq numbers) of device {@code index} the server answered 2.xx. */
    public Set<Long> answered(int index) {
        return Set.copyOf(devices[index].answered);
    }

    /** Readings sent: requests, each reading sent again as new counted again. */
    public long sent() {
        return sent.get();
    }

    /** Readings the server answered 2.xx. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** 5.03 answers (each reading then sent again after its Max-Age). */
    public long refused() {
        return refused.get();
    }

    /** Readings without any answer in time, each sent again as new. */
    public long unanswered() {
        return unanswered.get();
    }

    public long retransmissions() {
        return retransmissions.get();
    }

    /** Answers other than 2.xx and 5.03, and resets. */
    public long failed() {
        return failed.get();
    }

    /** Readings on their way (sent, not answered). */
    public int waiting() {
        return Arrays.stream(devices).mapToInt(Device::waiting).sum();
    }

    /** The {@code percentile} (0-100) of the times from a reading's first send to its 2.xx, in ms; NaN when none. */
    public double latencyMs(double percentile) {
        return latencies.percentileNanos(percentile) / 1e6;
    }

    /** Forgets the latencies so far (after a warm-up). */
    public void resetLatencies() {
        latencies.clear();
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sockets.close();
    }

    /** The times of the answers, for percentiles; bounded, keeping the newest million. */
    private static final class LatencyLog {
        private static final int MAX = 1_000_000;
        private long[] values = new long[1024];
        private int size;
        private int next;

        synchronized void add(long nanos) {
            if (size < MAX) {
                if (size == values.length) {
                    values = Arrays.copyOf(values, Math.min(MAX, values.length * 2));
                }
                values[size++] = nanos;
            } else {
                values[next] = nanos;
                next = (next + 1) % MAX;
            }
        }

        synchronized double percentileNanos(double percentile) {
            if (size == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
        }

        synchronized void clear() {
            size = 0;
            next = 0;
        }
    }
}
