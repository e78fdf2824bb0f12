package io.streamgrid.common.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.common.metrics.ConnectorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared poll step: what each bad-message policy does with the items around a bad one in one batch. */
class SourcePollerTest {

    private static final SourceQueueConfig SETTINGS = new SourceQueueConfig(100, 1 << 20, 100, Duration.ZERO);

    private final HandoffQueue<String> queue = SETTINGS.newQueue(String::length);
    private final ConnectorMetrics metrics = ConnectorMetrics.register(null, Map.of("name", "source-poller-test"),
            new ConnectorMetrics.Gauges(() -> 0, queue::size, queue::bytes, () -> true));
    private final List<String> skipped = new ArrayList<>();

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    /** Items named "bad..." cannot become records; the others become one record each, their name as the value. */
    private SourcePoller<String> poller(BadMessagePolicy policy) {
        return poller(policy, SourcePoller.AfterFailure.HAND_OVER);
    }

    private SourcePoller<String> poller(BadMessagePolicy policy, SourcePoller.AfterFailure afterFailure) {
        return new SourcePoller<>(queue, SETTINGS, policy, policy == BadMessagePolicy.DLQ ? "dead" : null,
                "x.bad.message.policy", ", and the message stays unacknowledged", new SourcePoller.Items<>() {
                    @Override
                    public List<SourceRecord> records(String item) {
                        if (item.startsWith("bad")) {
                            throw new DataException(item + " is not JSON");
                        }
                        return List.of(record("items", item));
                    }

                    @Override
                    public String describe(String item) {
                        return "message '" + item + "'";
                    }

                    @Override
                    public long arrivalMs(String item) {
                        return System.currentTimeMillis();
                    }

                    @Override
                    public void skipped(String item) {
                        skipped.add(item);
                    }

                    @Override
                    public SourceRecord deadLetter(String item, String topic, ConnectHeaders errorHeaders) {
                        return record(topic, item);
                    }
                }, metrics, afterFailure);
    }

    private static SourceRecord record(String topic, String value) {
        return new SourceRecord(Map.of(), Map.of(), topic, Schema.STRING_SCHEMA, value);
    }

    private void queue(String... items) throws InterruptedException {
        for (String item : items) {
            queue.put(item);
        }
    }

    private static List<Object> values(List<SourceRecord> records) {
        return records.stream().map(SourceRecord::value).toList();
    }

    @Test
    void underFailTheGoodItemsOfTheBatchAroundABadOneAreHandedOverBeforeTheTaskFails() throws Exception {
        SourcePoller<String> poller = poller(BadMessagePolicy.FAIL);
        queue("a", "bad1", "b", "c");
        assertThat(values(poller.poll())).as("before and after the bad item").containsExactly("a", "b", "c");
        assertThatThrownBy(poller::poll).isInstanceOf(ConnectException.class)
                .hasMessageContaining("message 'bad1'").hasMessageContaining("bad1 is not JSON")
                .hasMessageContaining("x.bad.message.policy=FAIL, and the message stays unacknowledged");
        assertThat(skipped).as("a bad item under FAIL is not passed over").isEmpty();
    }

    @Test
    void underFailASourceWithExactOffsetsHoldsBackTheItemsAfterTheBadOne() throws Exception {
        SourcePoller<String> poller = poller(BadMessagePolicy.FAIL, SourcePoller.AfterFailure.HOLD_BACK);
        queue("a", "bad1", "b", "bad2", "c");
        assertThat(values(poller.poll())).as("only what came before the bad item").containsExactly("a");
        assertThatThrownBy(poller::poll).isInstanceOf(ConnectException.class)
                .hasMessageContaining("message 'bad1'").hasMessageNotContaining("more bad item");
        assertThat(poller.inFlight()).isEqualTo(1);
    }

    @Test
    void underFailEveryBadItemOfTheBatchIsNamedInTheFailure() throws Exception {
        SourcePoller<String> poller = poller(BadMessagePolicy.FAIL);
        queue("bad1", "a", "bad2", "b");
        assertThat(values(poller.poll())).containsExactly("a", "b");
        assertThatThrownBy(poller::poll).isInstanceOf(ConnectException.class)
                .hasMessageContaining("message 'bad1'").hasMessageContaining("1 more bad item in the same batch")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString()
                        .contains("message 'bad2'", "bad2 is not JSON"));
    }

    @Test
    void underFailABatchOfOnlyBadItemsFailsAtOnce() throws Exception {
        SourcePoller<String> poller = poller(BadMessagePolicy.FAIL);
        queue("bad1");
        assertThatThrownBy(poller::poll).isInstanceOf(ConnectException.class).hasMessageContaining("message 'bad1'");
    }

    @Test
    void underSkipAndDlqTheBatchFlowsOn() throws Exception {
        SourcePoller<String> skipping = poller(BadMessagePolicy.SKIP);
        queue("a", "bad1", "b");
        assertThat(values(skipping.poll())).containsExactly("a", "b");
        assertThat(skipped).containsExactly("bad1");
        assertThat(skipping.poll()).as("nothing more, no failure").isNull();

        SourcePoller<String> deadLettering = poller(BadMessagePolicy.DLQ);
        queue("c", "bad2", "d");
        assertThat(deadLettering.poll()).extracting(SourceRecord::topic, SourceRecord::value)
                .containsExactly(tuple("items", "c"),
                        tuple("dead", "bad2"),
                        tuple("items", "d"));
    }
}
