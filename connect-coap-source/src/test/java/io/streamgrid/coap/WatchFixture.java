package io.streamgrid.coap;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.apache.kafka.connect.data.Struct;
import org.eclipse.californium.core.network.Endpoint;

/**
 * One watch without a task around it, against a real server: the task's client endpoint and scheduler, and the
 * events and retries the watch reports, so a test can see what the watch does rather than what poll() makes of it.
 */
final class WatchFixture implements AutoCloseable {

    final TestCoapServer server = new TestCoapServer();
    final List<CoapEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger retries = new AtomicInteger();
    final CoapStatement statement;
    private final CoapSourceConfig config;
    private final Endpoint endpoint;
    private final TaskThreads threads = new TaskThreads(null);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, threads.named("scheduler"));
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    private final Silences silences;
    private final List<ResourceWatch> watches = new ArrayList<>();

    WatchFixture(String kcql, String... keysAndValues) throws IOException {
        config = new CoapSourceConfig(Tasks.props(server.uri(), kcql, keysAndValues));
        statement = CoapStatement.compile(config.statements().get(0));
        endpoint = CoapEndpoints.create(config.client(), false, CoapSourceConfig.URI_CONFIG, server.uri());
        endpoint.start();
        silences = new Silences(scheduler, config.silenceTimeout(), warnings);
    }

    CoapUri resource() {
        return CoapUri.server(server.uri()).resource(statement.resource());
    }

    ResourceWatch.Context context() {
        return context(endpoint);
    }

    ResourceWatch.Context context(Endpoint through) {
        return new ResourceWatch.Context(ClientEndpoints.of(through), events::add, scheduler, config.silenceTimeout(),
                config.requestTimeout(), warnings, retries::incrementAndGet, silences);
    }

    /**
     * The fixture's endpoint, except that the sends {@code throwsOn} picks (counting from 1) throw, as
     * {@code CoapClient} does when the server's host name cannot be resolved for a moment.
     */
    Endpoint throwingOnSend(IntPredicate throwsOn, AtomicInteger thrown) {
        AtomicInteger sends = new AtomicInteger();
        return (Endpoint) Proxy.newProxyInstance(Endpoint.class.getClassLoader(), new Class<?>[] {Endpoint.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendRequest") && throwsOn.test(sends.incrementAndGet())) {
                        thrown.incrementAndGet();
                        throw new IllegalArgumentException("cannot resolve the host (injected)");
                    }
                    try {
                        return method.invoke(endpoint, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    <W extends ResourceWatch> W start(W watch) {
        watches.add(watch);
        watch.start();
        return watch;
    }

    /** Runs {@code body} every {@code periodMs} until the fixture closes, as a device that publishes on its own. */
    void every(long periodMs, Runnable body) {
        scheduler.scheduleAtFixedRate(body, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    List<String> payloads() {
        return payloads(0);
    }

    List<String> payloads(int from) {
        List<CoapEvent> all = List.copyOf(events);
        return all.subList(from, all.size()).stream().map(e -> ((Struct) e.value()).getString("payload")).toList();
    }

    @Override
    public void close() {
        watches.forEach(ResourceWatch::stop);
        scheduler.shutdownNow();
        endpoint.destroy();
        server.close();
    }
}
