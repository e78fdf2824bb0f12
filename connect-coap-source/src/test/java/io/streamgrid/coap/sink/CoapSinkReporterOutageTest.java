package io.streamgrid.coap.sink;

import static io.streamgrid.coap.sink.CoapSinkReporterTest.NO_KAFKA;
import static io.streamgrid.coap.sink.CoapSinkReporterTest.command;
import static io.streamgrid.coap.sink.CoapSinkReporterTest.reports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamgrid.coap.TestDevices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reporter while Kafka does not take its reports: waited out (a broker stopped and started again), for at most
 * the outage timeout, never making the task wait, and a stop meanwhile logs no error.
 */
@Timeout(120)
class CoapSinkReporterOutageTest {

    @Test
    void anOffsetIsHeldUntilItsReportIsWrittenAndABrokerOutageIsWaitedOut() throws Exception {
        EmbeddedKafkaCluster outage = new EmbeddedKafkaCluster(1, new Properties());
        outage.start();
        try (TestDevices devices = TestDevices.plain("d0");
             SinkRun sink = new SinkRun(false, "INSERT INTO " + devices.uri() + "/actuators/${device_id}/led "
                     + "SELECT command_id, device_id, value FROM commands",
                     "connect.coap.sink.reporter.bootstrap.servers", outage.bootstrapServers(),
                     "connect.coap.sink.reporter.result.topic", "outage_results",
                     "connect.coap.sink.reporter.producer.delivery.timeout.ms", "1500",
                     "connect.coap.sink.reporter.producer.request.timeout.ms", "1000",
                     "connect.coap.sink.reporter.producer.linger.ms", "0",
                     "connect.coap.sink.reporter.producer.max.block.ms", "500")) {
            outage.createTopic("outage_results", 1);
            sink.put(List.of(SinkRun.record(0, "d0", command("c1", "d0"))));
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.committable(1) == 1);

            outage.stopOnlyBrokers();
            sink.put(List.of(SinkRun.record(1, "d0", command("c2", "d0"))));
            await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d0").received().size() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.metric("connected") == 0);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sink.committable(2) == 1);

            outage.restartOnlyBrokers();
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.committable(2) == 2);
            assertThat(reports(outage, "outage_results", 2)).extracting(r -> r.get("value").get("command_id").asText())
                    .contains("c1", "c2");
            assertThat(sink.metric("connected")).isEqualTo(1.0);
        } finally {
            outage.stop();
        }
    }

    @Test
    void aKafkaAwayForLongerThanTheOutageTimeoutFailsTheTaskSayingSo() throws Exception {
        try (TestDevices devices = TestDevices.plain("d0");
             SinkRun sink = new SinkRun(false, "INSERT INTO " + devices.uri() + "/actuators/${device_id}/led "
                     + "SELECT command_id, device_id, value FROM commands",
                     "connect.coap.sink.reporter.bootstrap.servers", NO_KAFKA,
                     "connect.coap.sink.reporter.result.topic", "coap_results",
                     "connect.coap.sink.reporter.outage.timeout", "1500",
                     "connect.coap.sink.reporter.producer.max.block.ms", "300")) {
            sink.put(List.of(SinkRun.record(0, "d0", command("c1", "d0"))));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(sink::tick)
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("connect.coap.sink.reporter.outage.timeout"));
            assertThat(sink.preCommit(1)).isZero();
        }
    }

    @Test
    void aStopWhileTheReporterWaitsForKafkaLogsNoError() throws Exception {
        try (TestDevices devices = TestDevices.plain("d0");
             SinkRun sink = new SinkRun(false, "INSERT INTO " + devices.uri() + "/actuators/${device_id}/led "
                     + "SELECT command_id, device_id, value FROM commands",
                     "connect.coap.sink.reporter.bootstrap.servers", NO_KAFKA,
                     "connect.coap.sink.reporter.result.topic", "coap_results")) {
            sink.put(List.of(SinkRun.record(0, "d0", command("c1", "d0"))));
            await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d0").received().size() == 1);
            await("the reporter's writer waits in send() for a Kafka away").atMost(Duration.ofSeconds(5))
                    .until(CoapSinkReporterOutageTest::reporterWaitsInSend);

            try (ErrorLines log = new ErrorLines()) {
                long start = System.nanoTime();
                sink.task.stop();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
                assertThat(log.errors()).as("a normal stop").isEmpty();
            }
        }
    }

    private static boolean reporterWaitsInSend() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(thread -> thread.getKey().getName()
                .contains("sink-reporter") && Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName()
                .equals(KafkaProducer.class.getName()) && frame.getMethodName().equals("send")));
    }

    @Test
    void reportsNeverMakeTheTaskWaitForKafka() {
        try (TestDevices devices = TestDevices.plain("d0");
             SinkRun sink = new SinkRun(true, "INSERT INTO " + devices.uri() + "/actuators/${device_id}/led "
                     + "SELECT command_id, device_id, value FROM commands",
                     "connect.coap.sink.max.pending", "1",
                     "connect.coap.sink.reporter.bootstrap.servers", NO_KAFKA,
                     "connect.coap.sink.reporter.error.topic", "coap_errors")) {
            List<SinkRecord> invalid = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Map<String, Object> noDevice = command("c" + i, "d0");
                noDevice.remove("device_id");
                invalid.add(SinkRun.record(i, "x", noDevice));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> sink.put(invalid),
                    "10 invalid records, each reported from the task's thread while Kafka is away");
            assertThat(sink.preCommit(10)).as("their reports are not written").isZero();
        }
    }
}
