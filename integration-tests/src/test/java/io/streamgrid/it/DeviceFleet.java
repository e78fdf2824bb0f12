package io.streamgrid.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A fleet of MQTT devices in one process, as the demo's simulator runs them (devices share a few connections): each
 * device publishes a reading every period, evenly spread, at QoS 1 to {@code <prefix>/<device>}, and a reading the
 * broker did not acknowledge is sent again. A reading is {@code {"id": <device> * 10^7 + <its number from 0>}}, so
 * what arrives can be told apart by device and counted against what was sent.
 */
final class DeviceFleet implements AutoCloseable {

    /** Readings a device may number: the id's device part is {@code id / PER_DEVICE}. */
    static final long PER_DEVICE = 10_000_000L;

    private final int devices;
    private final Duration period;
    private final List<Thread> connections = new ArrayList<>();
    private final AtomicLong[] sent;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * @param connections how many MQTT connections the devices share (device d uses connection d % connections)
     */
    DeviceFleet(String brokerUrl, String prefix, int devices, int connections, Duration period) {
        this.devices = devices;
        this.period = period;
        this.sent = new AtomicLong[devices];
        for (int d = 0; d < devices; d++) {
            sent[d] = new AtomicLong();
        }
        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (int c = 0; c < connections; c++) {
            int connection = c;
            Thread thread = new Thread(() -> publish(brokerUrl, prefix, connection, connections, start),
                    "fleet-connection-" + c);
            thread.setDaemon(true);
            this.connections.add(thread);
            thread.start();
        }
    }

    /** The readings per second the fleet publishes. */
    double rate() {
        return devices / (period.toNanos() / 1e9);
    }

    int devices() {
        return devices;
    }

    /** Readings the broker acknowledged, in all. */
    long sent() {
        long total = 0;
        for (AtomicLong count : sent) {
            total += count.get();
        }
        return total;
    }

    /** An error that stopped a connection's devices (none while the fleet runs as it should). */
    Exception failure() {
        return failure.get();
    }

    private void publish(String brokerUrl, String prefix, int connection, int connections, long start) {
        List<Integer> mine = new ArrayList<>();
        for (int d = connection; d < devices; d += connections) {
            mine.add(d);
        }
        MqttClient client = null;
        try {
            long round = 0;
            while (running.get()) {
                for (int i = 0; i < mine.size() && running.get(); i++) {
                    int device = mine.get(i);
                    // each device at its own moment of the period, so the fleet publishes evenly
                    long due = start + round * period.toNanos() + (long) device * period.toNanos() / devices;
                    long ahead = due - System.nanoTime();
                    if (ahead > 0) {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    }
                    long id = device * PER_DEVICE + sent[device].get();
                    client = publishUntilAcknowledged(client, brokerUrl, connection, prefix + "/d" + device, id);
                    sent[device].incrementAndGet();
                }
                round++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            close(client);
        }
    }

    /** Publishes at QoS 1 until the broker acknowledges, connecting again after a failure, as a device does. */
    private MqttClient publishUntilAcknowledged(MqttClient client, String brokerUrl, int connection, String topic,
                                                long id) throws InterruptedException {
        MqttClient current = client;
        while (true) {
            try {
                if (current == null || !current.isConnected()) {
                    close(current);
                    current = new MqttClient(brokerUrl, "fleet-" + connection + "-" + System.nanoTime(),
                            new MemoryPersistence());
                    MqttConnectOptions options = new MqttConnectOptions();
                    options.setCleanSession(true);
                    options.setMaxInflight(1000);
                    current.connect(options);
                }
                current.publish(topic, ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8), 1, false);
                return current;
            } catch (MqttException e) {
                close(current);
                current = null;
                TimeUnit.MILLISECONDS.sleep(100); // a device's back-off before it connects again
            }
        }
    }

    private static void close(MqttClient client) {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        } catch (MqttException e) {
            // gone anyway
        }
    }

    /** Stops publishing (each connection after the reading it is sending) and waits for the connections to close. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : connections) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
