package io.streamgrid.simulators;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * "message":"Sensor message 98"}}, with Max-Age 2.
 */
public final class CoapSensorSimulator implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final CoapServer server;
    private final Sensors sensors;
    private final AtomicLong count = new AtomicLong();
    private final Random random = new Random(42);
    private final int sensorCount;
    private ScheduledExecutorService ticker;

    public CoapSensorSimulator(String host, int port, int sensorCount) {
        this(host, port, sensorCount, 2);
    }

    /** {@code maxAgeSeconds}: the Max-Age of every response (a long one keeps a client from noticing a restart). */
    public CoapSensorSimulator(String host, int port, int sensorCount, int maxAgeSeconds) {
        this.sensorCount = sensorCount;
        this.sensors = new Sensors(maxAgeSeconds);
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(host, port)).build());
        server.add(sensors);
        server.start();
        publish(); // a sensor always has a current reading, also before the first tick
    }

    /** Publishes the next reading of the next sensor; returns it. */
    public String publish() {
        long n = count.incrementAndGet();
        int sensor = (int) (n % sensorCount) + 1;
        String reading = String.format(Locale.ROOT,
                "{\"sensorId\":\"Sensor%d\",\"timestamp\":%d,\"temperature\":%.2f,\"message\":\"Sensor message %d\"}",
                sensor, System.currentTimeMillis(), 18 + random.nextDouble() * 10, n);
        sensors.publish(reading);
        return reading;
    }

    /** Publishes a reading every {@code periodMs} until closed. */
    public void start(long periodMs) {
        ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(this::publish, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    public long published() {
        return count.get();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
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

    /**
     * Runs the simulator: {@code [port] [sensors] [period ms] [max-age s] [host]}, by default 5633, 5 sensors, a
     * reading every second, Max-Age 2, on every interface.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5633;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long period = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        int maxAge = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String host = args.length > 4 ? args[4] : "0.0.0.0";
        CoapSensorSimulator simulator = new CoapSensorSimulator(host, port, count, maxAge);
        simulator.start(period);
        System.out.println("CoAP sensors on coap://localhost:" + port + "/sensors");
        Thread.currentThread().join();
    }
}
