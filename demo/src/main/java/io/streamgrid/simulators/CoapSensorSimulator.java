package io.streamgrid.simulators;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * A CoAP server like the seed's test server: an observable resource {@code sensors} whose notifications are
 * temperature readings of several sensors, {@code {"sensorId":"Sensor4","timestamp":...,"temperature":23.6,
 * "message":"Sensor message 98","led":"off","interval_ms":2500}}, with Max-Age 2. Each sensor also takes commands
 * ({@link DeviceControls}) at {@code actuators/<sensorId>/interval} and {@code actuators/<sensorId>/led}: a PUT or
 * POST of the command as JSON is answered 2.04 Changed with the sensor's answer (4.00 Bad Request when it refuses the
 * command), as the CoAP sink expects of a device.
 */
public final class CoapSensorSimulator implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    /**
     * Readings of different sensors at least this far apart: one observable resource holds the latest reading, and
     * a notification reads it when it goes out, so two readings at once would send the second twice.
     */
    private static final long SPACING_MS = 20;

    private final CoapServer server;
    private final Sensors sensors;
    private final AtomicLong count = new AtomicLong();
    private final Random random = new Random(42);
    private final int sensorCount;
    private final DeviceControls controls;
    private final DeviceTicker ticker;
    private long lastReadingNanos;

    public CoapSensorSimulator(String host, int port, int sensorCount) {
        this(host, port, sensorCount, 2);
    }

    /** {@code maxAgeSeconds}: the Max-Age of every response (a long one keeps a client from noticing a restart). */
    public CoapSensorSimulator(String host, int port, int sensorCount, int maxAgeSeconds) {
        this.sensorCount = sensorCount;
        this.sensors = new Sensors(maxAgeSeconds);
        this.ticker = new DeviceTicker("coap-sensors", this::tick);
        this.controls = new DeviceControls((sensor, settings) -> ticker.reschedule(sensor, settings.intervalMs()));
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(host, port)).build());
        server.add(sensors);
        CoapResource actuators = new CoapResource("actuators");
        for (int i = 1; i <= sensorCount; i++) {
            String id = sensorId(i);
            controls.add(id, 1000);
            CoapResource sensor = new CoapResource(id);
            sensor.add(new Actuator("interval", id), new Actuator("led", id));
            actuators.add(sensor);
        }
        server.add(actuators);
        server.start();
        publish(); // a sensor always has a current reading, also before the first tick
    }

    private static String sensorId(int n) {
        return "Sensor" + n;
    }

    /** Publishes the next reading of the next sensor in turn; returns it. */
    public String publish() {
        return publish(sensorId((int) ((count.get() + 1) % sensorCount) + 1));
    }

    /** Publishes a reading of {@code sensor}; returns it. */
    private String publish(String sensor) {
        long n = count.incrementAndGet();
        DeviceControls.Settings settings = controls.settings(sensor);
        String reading = String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"timestamp\":%d,\"temperature\":%.2f,"
                + "\"message\":\"Sensor message %d\",\"led\":\"%s\",\"interval_ms\":%d}", sensor,
                System.currentTimeMillis(), 18 + random.nextDouble() * 10, n, settings.ledText(), settings.intervalMs());
        sensors.publish(reading);
        return reading;
    }

    /** A reading on the ticker's thread, at least {@link #SPACING_MS} after the one before. */
    private void tick(String sensor) {
        try {
            long wait = lastReadingNanos + TimeUnit.MILLISECONDS.toNanos(SPACING_MS) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            publish(sensor);
            lastReadingNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    /**
     * Publishes a reading every {@code periodMs}, in all, until closed: each sensor every {@code periodMs} times the
     * number of sensors (the interval a command may change), the sensors' turns spread evenly.
     */
    public void start(long periodMs) {
        long each = periodMs * sensorCount;
        for (int i = 1; i <= sensorCount; i++) {
            String sensor = sensorId(i);
            controls.add(sensor, each);
            ticker.schedule(sensor, each, (i - 1) * periodMs);
        }
    }

    public long published() {
        return count.get();
    }

    @Override
    public void close() {
        ticker.close();
        server.destroy();
    }

    private static final class Sensors extends CoapResource {
        private final AtomicReference<String> state = new AtomicReference<>("{}");
        private final int maxAgeSeconds;

        Sensors(int maxAgeSeconds) {
            super("sensors");
            this.maxAgeSeconds = maxAgeSeconds;
            setObservable(true);
            setObserveType(CoAP.Type.NON);
            getAttributes().setObservable();
            getAttributes().addResourceType("temperature");
        }

        void publish(String reading) {
            state.set(reading);
            changed();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.setMaxAge(maxAgeSeconds);
            exchange.respond(CoAP.ResponseCode.CONTENT, state.get(), MediaTypeRegistry.APPLICATION_JSON);
        }
    }

    /** {@code actuators/<sensor>/<action>}: takes a command by PUT or POST and answers with the sensor's answer. */
    private final class Actuator extends CoapResource {
        private final String sensor;

        Actuator(String action, String sensor) {
            super(action);
            this.sensor = sensor;
        }

        @Override
        public void handlePUT(CoapExchange exchange) {
            DeviceControls.Answer answer = controls.apply(sensor, null, exchange.getRequestPayload());
            exchange.respond(answer.applied() ? CoAP.ResponseCode.CHANGED : CoAP.ResponseCode.BAD_REQUEST,
                    answer.json(), MediaTypeRegistry.APPLICATION_JSON);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            handlePUT(exchange);
        }
    }

    /**
     * Runs the simulator: {@code [port] [sensors] [period ms] [max-age s] [host]}, by default 5633, 5 sensors, a
     * reading every second (in all), Max-Age 2, on every interface.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5633;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long period = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        int maxAge = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String host = args.length > 4 ? args[4] : "0.0.0.0";
        CoapSensorSimulator simulator = new CoapSensorSimulator(host, port, count, maxAge);
        simulator.start(period);
        System.out.println("CoAP sensors on coap://localhost:" + port + "/sensors, commands to "
                + "coap://localhost:" + port + "/actuators/<sensorId>/{interval,led}");
        Thread.currentThread().join();
    }
}
