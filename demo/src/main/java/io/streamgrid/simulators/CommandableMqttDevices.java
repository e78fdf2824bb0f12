package io.streamgrid.simulators;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * MQTT 5 devices that publish JSON telemetry, {@code {"device_id":"device-3","temperature":21.4,"humidity":40.2,
 * "led":"off","interval_ms":1000,"ts":...}}, to {@code devices/<id>/telemetry} at QoS 1, each at its own interval,
 * and take commands ({@link DeviceControls}) on {@code devices/<id>/cmd}: a device applies the command and answers
 * with the request/response of MQTT 5, on the command's response topic with its correlation data (the command id,
 * which the answer's {@code command_id} repeats), at QoS 1. A command without a response topic is applied and not
 * answered. One connection carries every device, as a gateway's would.
 */
public final class CommandableMqttDevices implements AutoCloseable {

    private static final String COMMANDS = "devices/+/cmd";

    private final MqttClient client;
    private final int devices;
    private final DeviceControls controls;
    private final DeviceTicker ticker;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final Random random = new Random(7);

    public CommandableMqttDevices(String brokerUrl, int devices) throws MqttException {
        this.devices = devices;
        this.ticker = new DeviceTicker("mqtt-devices", this::tick);
        this.controls = new DeviceControls((device, settings) -> ticker.reschedule(device, settings.intervalMs()));
        for (int i = 1; i <= devices; i++) {
            controls.add(deviceId(i), 1000);
        }
        client = new MqttClient(brokerUrl, "streamgrid-devices-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setReceiveMaximum(1000);
        if (brokerUrl.startsWith("tcp://")) {
            options.setSocketFactory(new NoDelaySockets());
        }
        client.connect(options);
        IMqttMessageListener onCommand = (topic, message) -> ticker.execute(() -> answer(topic, message));
        client.subscribe(new MqttSubscription[] {new MqttSubscription(COMMANDS, 1)},
                new IMqttMessageListener[] {onCommand});
    }

    private static String deviceId(int n) {
        return "device-" + n;
    }

    /** Each device publishes a reading every {@code intervalMs} (which a command may change), their turns spread. */
    public void start(long intervalMs) {
        for (int i = 1; i <= devices; i++) {
            controls.add(deviceId(i), intervalMs);
            ticker.schedule(deviceId(i), intervalMs, (i - 1) * intervalMs / devices);
        }
    }

    private void tick(String device) {
        try {
            publish(device);
        } catch (MqttException e) {
            System.err.println("MQTT devices: " + device + " could not publish: " + e); // the broker is away
        }
    }

    /** Publishes a reading of {@code device}; returns it. */
    String publish(String device) throws MqttException {
        count.incrementAndGet();
        DeviceControls.Settings settings = controls.settings(device);
        String reading = String.format(Locale.ROOT, "{\"device_id\":\"%s\",\"temperature\":%.2f,\"humidity\":%.1f,"
                + "\"led\":\"%s\",\"interval_ms\":%d,\"ts\":%d}", device, 15 + random.nextDouble() * 15,
                30 + random.nextDouble() * 40, settings.ledText(), settings.intervalMs(), System.currentTimeMillis());
        MqttMessage message = new MqttMessage(reading.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish("devices/" + device + "/telemetry", message);
        return reading;
    }

    /** Applies a command to the device its topic names and answers on its response topic (on the ticker's thread). */
    private void answer(String topic, MqttMessage command) {
        String device = topic.substring("devices/".length(), topic.length() - "/cmd".length());
        if (!controls.knows(device)) {
            return; // not one of ours: no device there to answer
        }
        MqttProperties properties = command.getProperties();
        byte[] correlation = properties == null ? null : properties.getCorrelationData();
        DeviceControls.Answer answer = controls.apply(device,
                correlation == null ? null : new String(correlation, StandardCharsets.UTF_8), command.getPayload());
        String responseTopic = properties == null ? null : properties.getResponseTopic();
        if (responseTopic == null) {
            return;
        }
        MqttProperties reply = new MqttProperties();
        reply.setCorrelationData(correlation);
        reply.setContentType("application/json");
        MqttMessage message = new MqttMessage(answer.json().getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        message.setProperties(reply);
        try {
            client.publish(responseTopic, message);
            answered.incrementAndGet();
        } catch (MqttException e) {
            System.err.println("MQTT devices: " + device + " could not answer on " + responseTopic + ": " + e);
        }
    }

    /** Readings published so far. */
    public long published() {
        return count.get();
    }

    /** Commands answered so far. */
    public long answered() {
        return answered.get();
    }

    @Override
    public void close() throws MqttException {
        ticker.close();
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }

    /** Runs the devices: {@code [broker url] [devices] [interval ms]}. */
    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "tcp://localhost:1883";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long interval = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        CommandableMqttDevices simulator = new CommandableMqttDevices(url, count);
        simulator.start(interval);
        System.out.println(count + " MQTT 5 devices publishing to " + url + ", taking commands on " + COMMANDS);
        Thread.currentThread().join();
    }
}
