package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ObservedResourceTest {

    private static final String KCQL = "INSERT INTO t SELECT payload FROM sensors/temp";

    /**
     * The refused registration backs off 1 s, longer than the 500 ms silence timeout: the watchdog must not
     * register during the back-off, or the retry adds a second relation and every reading arrives twice.
     */
    @Test
    void aRefusedRegistrationEndsWithOneRelationThoughTheSilenceTimeoutIsShorterThanTheBackOff() throws Exception {
        try (WatchFixture fixture = new WatchFixture(KCQL, "connect.coap.observe.silence.timeout", "500")) {
            TestCoapServer.Sensor sensor = fixture.server.temperature;
            sensor.refuseNext(1);
            AtomicInteger n = new AtomicInteger();
            fixture.every(50, () -> sensor.publish("{\"n\":" + n.incrementAndGet() + "}"));
            fixture.start(new ObservedResource(fixture.context(), fixture.statement, fixture.resource()));

            await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(sensor.observers()).as("observe relations the server holds for sensors/temp")
                            .isEqualTo(1));
            int settled = fixture.events.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.events.size() >= settled + 20);
            List<String> readings = fixture.payloads(settled);
            assertThat(readings).as("readings delivered once the relation is in place").doesNotHaveDuplicates();
            assertThat(fixture.retries).as("the refusal is counted as a retry").hasPositiveValue();
        }
    }

    /** A registration that throws (an unresolvable host, say) must not end the watchdog that made it. */
    @Test
    void aReRegistrationThatThrowsIsTriedAgain() throws Exception {
        try (WatchFixture fixture = new WatchFixture(KCQL, "connect.coap.observe.silence.timeout", "500")) {
            TestCoapServer.Sensor sensor = fixture.server.temperature;
            sensor.publish("{\"before\":true}");
            AtomicInteger thrown = new AtomicInteger();
            fixture.start(new ObservedResource(fixture.context(fixture.throwingOnSend(send -> send == 2, thrown)),
                    fixture.statement, fixture.resource()));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.payloads().contains("{\"before\":true}"));

            // the resource stays silent, so the watchdog registers again, and that registration throws
            await().atMost(Duration.ofSeconds(10)).until(() -> thrown.get() == 1);
            sensor.publish("{\"after\":true}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fixture.payloads())
                    .as("readings after the registration threw").contains("{\"after\":true}"));
        }
    }

    @Test
    void aResourceWithoutTheObserveOptionIsPolledInstead() throws Exception {
        try (WatchFixture fixture = new WatchFixture("INSERT INTO t SELECT payload FROM config/version "
                + "PROPERTIES('interval.ms' = '100')")) {
            fixture.start(new ObservedResource(fixture.context(), fixture.statement, fixture.resource()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fixture.payloads())
                    .as("polled at the interval").hasSizeGreaterThanOrEqualTo(5).containsOnly("{\"version\":1}"));
        }
    }

    /**
     * Only a registration's first response tells whether a resource is observable. A later response without the
     * Observe option (here: to the re-registration Californium's client sends by itself once Max-Age has passed
     * without a notification) ends that observation: the watch registers again, it does not poll for good.
     */
    @Test
    void aLaterResponseWithoutTheObserveOptionIsFollowedByANewRegistrationNotByPolling() throws Exception {
        try (WatchFixture fixture = new WatchFixture(KCQL + " PROPERTIES('interval.ms' = '600000')")) {
            TestCoapServer.Sensor sensor = fixture.server.temperature;
            sensor.maxAge(1);
            sensor.publish("{\"n\":0}");
            fixture.start(new ObservedResource(fixture.context(), fixture.statement, fixture.resource()));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.payloads().contains("{\"n\":0}")
                    && sensor.observers() == 1);

            fixture.server.endNextObservation();
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.payloads().size() >= 2); // the stripped one

            AtomicInteger n = new AtomicInteger();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                int previous = n.get();
                sensor.publishPaced("{\"n\":" + n.incrementAndGet() + "}");
                assertThat(previous).as("a reading published after the ended observation").isPositive();
                assertThat(fixture.payloads()).as("readings notified (polling would bring one in 10 minutes)")
                        .contains("{\"n\":" + previous + "}");
            });
            assertThat(sensor.observers()).as("observe relations the server holds").isEqualTo(1);
        }
    }

    /** An observed resource has no thread of its own (issue #29: 10,000 per task cost memory, not threads). */
    @Test
    void anObservedResourceHasNoThreadOfItsOwnAndStopEndsItsRelation() throws Exception {
        try (WatchFixture fixture = new WatchFixture(KCQL)) {
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            ObservedResource watch = fixture.start(new ObservedResource(fixture.context(), fixture.statement,
                    fixture.resource()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.events.isEmpty());
            Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
            started.removeAll(before);
            assertThat(started).as("threads started for the resource: at most the task's shared scheduler, whose "
                    + "threads start as it is first used (Californium's client would start one per observation)")
                    .allMatch(t -> t.getName().startsWith("streamgrid-coap-scheduler-")
                            || t.getName().startsWith("awaitility"));

            watch.stop();
            int delivered = fixture.events.size();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                fixture.server.temperature.publish("{\"stopped\":true}"); // answered with a reset: the relation is gone
                assertThat(fixture.server.temperature.observers()).as("relations the server holds").isZero();
            });
            assertThat(fixture.events).as("records after stop()").hasSize(delivered);
        }
    }
}
