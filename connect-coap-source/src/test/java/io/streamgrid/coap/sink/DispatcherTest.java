package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamgrid.coap.CoapClientConfig;
import io.streamgrid.coap.CoapEndpoints;
import io.streamgrid.coap.TestDevices;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.network.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/** The dispatcher alone, against real Californium devices (or an endpoint that fails), for what the task hides. */
@Timeout(60)
class DispatcherTest {

    private static final String CONTEXT_KEY = "connector.context";

    /** What the listener was told, and the logging context on the thread that told it. */
    private record Told(Outcome outcome, String context) {
    }

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Told> told = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private ConnectorMetrics metrics;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        timer.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
        MDC.clear();
    }

    private Dispatcher dispatcher(Endpoint plain, int retries) {
        return dispatcher(plain, retries, new HostResolver(InetAddress::getByName, Thread::new, 10));
    }

    private Dispatcher dispatcher(Endpoint plain, int retries, HostResolver hosts) {
        return dispatcher(plain, retries, hosts, Duration.ofSeconds(5));
    }

    private Dispatcher dispatcher(Endpoint plain, int retries, HostResolver hosts, Duration requestTimeout) {
        metrics = ConnectorMetrics.register(new RecordingSinkTaskContext(false), Map.of("name",
                "dispatcher-" + System.nanoTime()), new ConnectorMetrics.Gauges(() -> 0, () -> 0, () -> 0, () -> true));
        Dispatcher dispatcher = new Dispatcher(new Dispatcher.Settings(10, 100, retries, Duration.ofMillis(10),
                Duration.ofMillis(10), requestTimeout, 0, Duration.ZERO), plain, null, timer, hosts,
                (delivery, outcome) -> told.add(new Told(outcome, MDC.get(CONTEXT_KEY))), metrics);
        closing.add(dispatcher);
        closing.add(hosts);
        return dispatcher;
    }

    private static Delivery delivery(String uri) {
        CoapSinkConfig config = new CoapSinkConfig(Map.of("connect.coap.kcql", "INSERT INTO " + uri
                + " SELECT * FROM commands"));
        DeviceStatement statement = DeviceStatement.compile(config.statements().get(0));
        SinkRecord record = SinkRun.record(0, "d0", Map.of("value", "on"));
        DeviceStatement.Request request = statement.request(RecordView.of(record));
        return new Delivery(record, new RecordTicket(0, 1, () -> { }), statement, 1, request, uri);
    }

    private Endpoint started() throws Exception {
        Endpoint endpoint = CoapEndpoints.create(CoapClientConfig.from(new CoapSinkConfig(Map.of(
                "connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM commands"))), false, "", "");
        endpoint.start();
        closing.add(endpoint::destroy);
        return endpoint;
    }

    /**
     * slf4j-simple, the tests' logger, keeps no MDC; a working one (what Log4j and reload4j give a worker) stands in
     * for one test. {@code MDC.setMDCAdapter} is slf4j's own package-private way to set it.
     */
    private static MDCAdapter useAdapter(MDCAdapter adapter) throws ReflectiveOperationException {
        MDCAdapter before = MDC.getMDCAdapter();
        Method set = MDC.class.getDeclaredMethod("setMDCAdapter", MDCAdapter.class);
        set.setAccessible(true);
        set.invoke(null, adapter);
        return before;
    }

    @Test
    void itsListenerIsToldWithTheTasksLoggingContextOnCaliforniumsThreads() throws Exception {
        MDCAdapter simple = useAdapter(new BasicMDCAdapter());
        closing.add(() -> useAdapter(simple));
        TestDevices devices = TestDevices.plain("d0");
        closing.add(devices);
        Endpoint endpoint = started(); // Californium's threads exist before the task's context is set
        MDC.put(CONTEXT_KEY, "[coap-sink|task-0] ");
        Dispatcher dispatcher = dispatcher(endpoint, 0);
        MDC.clear();

        dispatcher.submit(delivery(devices.uri() + "/actuators/d0/led"));
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 1);
        assertThat(told.get(0).outcome().kind()).isEqualTo(Outcome.Kind.DELIVERED);
        assertThat(told.get(0).context()).as("the connector and task in its log lines")
                .isEqualTo("[coap-sink|task-0] ");
    }

    @Test
    void aHostNameIsLookedUpOffTheThreadThatSendsAndItsAddressIsRemembered() throws Exception {
        TestDevices devices = TestDevices.plain("d0", "d1");
        closing.add(devices);
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        List<String> lookedUpOn = new CopyOnWriteArrayList<>();
        HostResolver hosts = new HostResolver(host -> {
            lookedUpOn.add(Thread.currentThread().getName());
            try {
                dnsAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getByName("127.0.0.1");
        }, Thread::new, 10);
        Dispatcher dispatcher = dispatcher(started(), 0, hosts);
        String byName = devices.uri().replace("127.0.0.1", "devices.example");

        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> dispatcher.submit(delivery(byName + "/actuators/d0/led")),
                "the task's thread does not wait for DNS");
        assertThat(devices.device("d0").received()).isEmpty();
        dnsAnswers.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 1);
        dispatcher.submit(delivery(byName + "/actuators/d1/led"));
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 2);
        assertThat(told).extracting(t -> t.outcome().kind()).containsOnly(Outcome.Kind.DELIVERED);
        assertThat(lookedUpOn).as("looked up once, on a thread of the resolver's").hasSize(1)
                .noneMatch(name -> name.equals(Thread.currentThread().getName()));
        assertThat(devices.device("d1").received().get(0).uriHost()).isEqualTo("devices.example");
    }

    /** An endpoint whose sendRequest does {@code onSend}; every other method does nothing. */
    private static Endpoint endpoint(Runnable onSend) {
        return (Endpoint) Proxy.newProxyInstance(Endpoint.class.getClassLoader(), new Class<?>[] {Endpoint.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendRequest")) {
                        onSend.run();
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }

    @Test
    void anEndpointThatThrowsEndsTheAttemptAndTheLaneGoesOn() {
        Endpoint failing = endpoint(() -> {
            throw new IllegalStateException("endpoint not started");
        });
        Dispatcher dispatcher = dispatcher(failing, 1);

        assertThatCode(() -> dispatcher.submit(delivery("coap://127.0.0.1:5683/actuators/d0/led")))
                .doesNotThrowAnyException();
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 1);
        assertThat(told.get(0).outcome().kind()).isEqualTo(Outcome.Kind.FAILED);
        assertThat(told.get(0).outcome().error()).contains("endpoint not started");
        assertThat(told.get(0).outcome().attempts()).as("sent again after its back-off, as any send error").isEqualTo(2);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void aRequestNothingEverAnswersEndsAtTheRequestTimeoutAndItsLaneGoesOn() {
        Dispatcher dispatcher = dispatcher(endpoint(() -> { }), 1, new HostResolver(InetAddress::getByName,
                Thread::new, 10), Duration.ofMillis(300)); // no answer, no timeout, no error: ever
        String uri = "coap://127.0.0.1:5683/actuators/d0/led";
        Delivery first = delivery(uri);

        dispatcher.submit(first);
        dispatcher.submit(delivery(uri));
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 1);
        assertThat(told.get(0).outcome().kind()).isEqualTo(Outcome.Kind.FAILED);
        assertThat(told.get(0).outcome().error()).contains("no answer within 300 ms");
        assertThat(told.get(0).outcome().attempts()).as("sent again after the first timed out").isEqualTo(2);
        assertThat(dispatcher.inFlight()).isZero();

        dispatcher.release(first); // as the task does once the error policy has decided
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 2);
        assertThat(told.get(1).outcome().error()).contains("no answer within 300 ms");
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void aHostNameThatNeverResolvesEndsTheAttemptAtTheRequestTimeout() throws Exception {
        TestDevices devices = TestDevices.plain("d0");
        closing.add(devices);
        CountDownLatch never = new CountDownLatch(1);
        HostResolver hosts = new HostResolver(host -> {
            if (host.equals("hangs.example")) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return InetAddress.getByName("127.0.0.1");
        }, Thread::new, 10);
        Dispatcher dispatcher = dispatcher(started(), 0, hosts, Duration.ofMillis(300));

        dispatcher.submit(delivery(devices.uri().replace("127.0.0.1", "hangs.example") + "/actuators/d0/led"));
        dispatcher.submit(delivery(devices.uri() + "/actuators/d0/led"));
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 2);
        assertThat(told).extracting(t -> t.outcome().kind())
                .as("the other lane is not held; the lookup that hangs ends its attempt at the request timeout")
                .containsExactly(Outcome.Kind.DELIVERED, Outcome.Kind.FAILED);
        assertThat(told.get(1).outcome().error()).contains("no answer within 300 ms");
        assertThat(dispatcher.inFlight()).isZero();
    }
}
