package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sink's host-name lookups: off the caller's thread, one per name at a time, remembered, bounded. */
@Timeout(30)
class HostResolverTest {

    private final List<String> lookedUp = new CopyOnWriteArrayList<>();
    private final CountDownLatch answer = new CountDownLatch(1);
    private HostResolver hosts;

    @AfterEach
    void close() {
        answer.countDown();
        if (hosts != null) {
            hosts.close();
        }
    }

    /** A resolver whose lookups wait for {@link #answer}; "unknown.example" does not resolve. */
    private HostResolver resolver(int maxWaiting) {
        hosts = new HostResolver(host -> {
            lookedUp.add(host);
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (host.equals("unknown.example")) {
                throw new UnknownHostException(host);
            }
            return InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7});
        }, Thread::new, maxWaiting);
        return hosts;
    }

    @Test
    void anAddressIsTakenAsItIsWithoutALookup() throws Exception {
        HostResolver resolver = resolver(1);
        assertThat(resolver.resolve("192.0.2.1").get(1, TimeUnit.SECONDS).getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(resolver.resolve("[2001:db8::1]").get(1, TimeUnit.SECONDS).getHostAddress())
                .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void aNameIsLookedUpOnceHoweverManyWaitAndIsThenRemembered() throws Exception {
        HostResolver resolver = resolver(1);
        CompletableFuture<InetAddress> first = resolver.resolve("Dev-1.example");
        CompletableFuture<InetAddress> second = resolver.resolve("dev-1.example");
        assertThat(first).as("the caller does not wait for the lookup").isNotDone();

        answer.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo("10.0.0.7");
        assertThat(second.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo("10.0.0.7");
        assertThat(resolver.resolve("DEV-1.example")).as("remembered").isDone();
        assertThat(lookedUp).containsExactly("dev-1.example");
    }

    @Test
    void aNameThatDoesNotResolveIsRememberedForAWhileToo() throws Exception {
        HostResolver resolver = resolver(1);
        answer.countDown();
        assertThatThrownBy(() -> resolver.resolve("unknown.example").get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownHostException.class);
        assertThat(resolver.resolve("unknown.example")).isCompletedExceptionally();
        assertThat(lookedUp).containsExactly("unknown.example");
    }

    @Test
    void namesBeyondTheThreadsAndTheBoundedQueueFailAtOnceAndAreLookedUpLater() throws Exception {
        HostResolver resolver = resolver(1); // two threads, one name waiting
        resolver.resolve("a.example");
        resolver.resolve("b.example");
        await().atMost(Duration.ofSeconds(5)).until(() -> lookedUp.size() == 2); // both threads busy
        CompletableFuture<InetAddress> waiting = resolver.resolve("c.example");
        CompletableFuture<InetAddress> refused = resolver.resolve("d.example");

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasRootCauseInstanceOf(UnknownHostException.class)
                .hasMessageContaining("too many host names to look up at once");
        answer.countDown();
        assertThat(waiting.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo("10.0.0.7");
        assertThat(resolver.resolve("d.example").get(5, TimeUnit.SECONDS).getHostAddress())
                .as("a refusal is not remembered: the request's retry looks the name up").isEqualTo("10.0.0.7");
    }
}
