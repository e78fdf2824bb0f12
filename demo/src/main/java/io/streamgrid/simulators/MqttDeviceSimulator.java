package io.streamgrid.simulators;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Devices that publish JSON telemetry, {@code {"device_id":"device-3","temperature":21.4,"humidity":40.2,
 * "ts":...}}, to {@code devices/<id>/telemetry} at QoS 1.
 */
public final class MqttDeviceSimulator implements AutoCloseable {

    private final MqttClient client;
    private final int devices;
    private final AtomicLong count = new AtomicLong();
    private final Random random = new Random(7);
    private ScheduledExecutorService ticker;

    public MqttDeviceSimulator(String brokerUrl, int devices) throws MqttException {
        this.devices = devices;
        client = new MqttClient(brokerUrl, "streamgrid-devices-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(1000);
        client.connect(options);
    }

    /** Publishes the next reading of the next device; returns it. */
    public String publish() throws MqttException {
        long n = count.incrementAndGet();
        String device = "device-" + ((n - 1) % devices + 1);
        String reading = String.format(Locale.ROOT,
                "{\"device_id\":\"%s\",\"temperature\":%.2f,\"humidity\":%.1f,\"ts\":%d}", device,
                15 + random.nextDouble() * 15, 30 + random.nextDouble() * 40, System.currentTimeMillis());
        client.publish("devices/" + device + "/telemetry", reading.getBytes(StandardCharsets.UTF_8), 1, false);
        return reading;
    }

    public void start(long periodMs) {
        ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            try {
                publish();
            } catch (MqttException e) {
                System.err.println("MQTT device simulator: " + e);
            }
        }, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    public long published() {
        return count.get();
    }

    @Override
    public void close() throws MqttException {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        client.disconnect();
        client.close();
    }

    /** Runs the simulator: {@code [broker url] [devices] [period ms]}. */
    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "tcp://localhost:1883";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long period = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        MqttDeviceSimulator simulator = new MqttDeviceSimulator(url, count);
        simulator.start(period);
        System.out.println(count + " MQTT devices publishing to " + url);
        Thread.currentThread().join();
    }
}
