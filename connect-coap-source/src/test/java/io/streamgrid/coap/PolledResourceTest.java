package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PolledResourceTest {

    /** A scheduled executor silently drops every later run of a task that threw once; polling must go on. */
    @Test
    void aPollThatThrowsDoesNotEndPolling() throws Exception {
        try (WatchFixture fixture = new WatchFixture("INSERT INTO t SELECT payload FROM config/version "
                + "PROPERTIES('mode' = 'poll', 'interval.ms' = '100')", "connect.coap.request.timeout", "1000")) {
            AtomicInteger thrown = new AtomicInteger();
            fixture.start(new PolledResource(fixture.context(fixture.throwingOnSend(send -> send == 1, thrown)),
                    fixture.statement, fixture.resource(), fixture.statement.interval()));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(thrown).as("the first poll threw").hasValue(1);
                assertThat(fixture.payloads()).as("records polled after the first poll threw")
                        .hasSizeGreaterThanOrEqualTo(3).containsOnly("{\"version\":1}");
            });
        }
    }
}
