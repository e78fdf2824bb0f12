package io.streamgrid.coap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamgrid.coap.CoapSourceTask;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.streamgrid.common.format.CborDocuments;
import io.streamgrid.common.format.Senml;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.common.testing.SourceTasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server mode against real Californium devices: plain, DTLS PSK per device, X.509; answered after Kafka. */
@Timeout(120)
class ServerModeTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final int port = freeUdpPort();
    private final int dtlsPort = freeUdpPort();
    private final String name = "coap-server-" + NAMES.incrementAndGet();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> props(String kcql, String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", name);
        props.put("connect.coap.mode", "server");
        props.put("connect.coap.kcql", kcql);
        props.put("connect.coap.server.bind.host", "127.0.0.1");
        props.put("connect.coap.server.port", String.valueOf(port));
        props.put("connect.coap.server.dtls.port", String.valueOf(dtlsPort));
        props.put("connect.coap.poll.timeout", "100");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    private CoapSourceTask start(Map<String, String> props) {
        CoapSourceTask task = SourceTasks.start(new CoapSourceTask(), props);
        closing.add(task::stop);
        return task;
    }

    private TestDevice device(TestDevice device) {
        closing.add(device);
        return device;
    }

    private Path pskFile(String lines) throws IOException {
        Path file = dir.resolve("devices.psk");
        Files.writeString(file, lines);
        return file;
    }

    /** Polls until {@code count} records came (or the time is up). */
    private static List<SourceRecord> poll(CoapSourceTask task, int count) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        return records;
    }

    private static void commit(CoapSourceTask task, List<SourceRecord> records) {
        for (SourceRecord record : records) {
            task.commitRecord(record, new RecordMetadata(new TopicPartition(record.topic(), 0), 0, 0, 0, 0, 0));
        }
    }

    private double metric(String attribute) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(
                "kafka.connect:type=plugins,connector=" + name + ",task=0"), attribute)).doubleValue();
    }

    @Test
    void aDevicesPostIsARecordAndItsAnswerWaitsForKafka() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO `telemetry_${1}` SELECT * FROM telemetry/+ "
                + "PROPERTIES('device.id' = '${2}')", "connect.coap.server.allow.insecure", "true"));
        TestDevice device = device(TestDevice.plain(port));
        Request request = device.post("telemetry/dev-17?unit=C", "{\"temperature\":21.5}");

        List<SourceRecord> records = poll(task, 1);
        assertThat(records).hasSize(1);
        SourceRecord record = records.get(0);
        assertThat(record.topic()).isEqualTo("telemetry_telemetry");
        assertThat(record.key()).isEqualTo("dev-17");
        Struct value = (Struct) record.value();
        assertThat(value.getString("device_id")).isEqualTo("dev-17");
        assertThat(value.getString("authentication")).isEqualTo("none");
        assertThat(value.getString("method")).isEqualTo("POST");
        assertThat(value.getString("path")).isEqualTo("telemetry/dev-17");
        assertThat(value.getString("query")).isEqualTo("unit=C");
        assertThat(value.getInt32("content_format")).isEqualTo(50);
        assertThat(value.getString("type")).isEqualTo("CON");
        assertThat(value.getString("source")).isEqualTo("127.0.0.1:" + device.port());
        assertThat(value.getString("payload")).isEqualTo("{\"temperature\":21.5}");
        assertThat(new String(value.getBytes("payload_bytes"), StandardCharsets.UTF_8))
                .isEqualTo("{\"temperature\":21.5}");

        await().atMost(Duration.ofSeconds(5)).until(request::isAcknowledged);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> request.getResponse() == null);
        assertThat(metric("queued-records")).as("the request waits for Kafka").isEqualTo(1.0);
        assertThat(metric("acknowledged-total")).isZero();

        commit(task, records);
        Response response = TestDevice.answer(request, 5000);
        assertThat(response).isNotNull();
        assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
        assertThat(response.getType()).as("a separate response: the empty ACK came before").isEqualTo(CoAP.Type.CON);
        assertThat(metric("acknowledged-total")).isEqualTo(1.0);
        assertThat(metric("records-in-total")).isEqualTo(1.0);
        assertThat(metric("queued-records")).isZero();
    }

    @Test
    void devicesAuthenticateWithTheirOwnPskAndAWrongSecretOrUnknownIdentityNeverGetsIn() throws Exception {
        Path psk = pskFile("dev-1=secret-1\ndev-2=secret-2\n");
        CoapSourceTask task = start(props("INSERT INTO readings SELECT device_id, authentication, payload.t "
                + "FROM readings/+ PROPERTIES('device.id' = '${2}')", "connect.coap.server.psk.file", psk.toString()));

        Request good = device(TestDevice.psk(dtlsPort, "dev-1", "secret-1")).post("readings/dev-1", "{\"t\":1}");
        List<SourceRecord> records = poll(task, 1);
        assertThat(records).singleElement().satisfies(r -> {
            Struct value = (Struct) r.value();
            assertThat(value.getString("device_id")).isEqualTo("dev-1");
            assertThat(value.getString("authentication")).isEqualTo("psk");
            assertThat(value.getInt64("t")).isEqualTo(1L);
        });
        commit(task, records);
        assertThat(TestDevice.isChanged(TestDevice.answer(good, 5000))).isTrue();

        Request wrongSecret = device(TestDevice.psk(dtlsPort, "dev-2", "not-the-secret")).post("readings/dev-2", "{}");
        Request unknown = device(TestDevice.psk(dtlsPort, "dev-9", "secret-9")).post("readings/dev-9", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> (wrongSecret.isTimedOut() || wrongSecret.getSendError() != null)
                && (unknown.isTimedOut() || unknown.getSendError() != null));
        assertThat(wrongSecret.getResponse()).isNull();
        assertThat(unknown.getResponse()).isNull();
        assertThat(task.poll()).as("nothing of theirs reaches Kafka").isNull();
        assertThat(metric("unknown-identities-total")).as("the unknown identity and the wrong secret")
                .isGreaterThanOrEqualTo(2.0);

        Request impostor = device(TestDevice.psk(dtlsPort, "dev-2", "secret-2")).post("readings/dev-1", "{}");
        Response forbidden = TestDevice.answer(impostor, 10_000);
        assertThat(forbidden).isNotNull();
        assertThat(forbidden.getCode()).as("dev-2 posting as dev-1").isEqualTo(CoAP.ResponseCode.FORBIDDEN);
        assertThat(metric("refused-total")).isEqualTo(1.0);
    }

    /**
     * Californium starts a server when one of its endpoints binds and only logs the others: a task with its DTLS
     * port taken ran on plain UDP alone, RUNNING, while every DTLS device timed out.
     */
    @Test
    void aPortTakenByAnotherProgramFailsTheStartNamingItsKey() throws Exception {
        Path psk = pskFile("dev-1=secret-1\n");
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", dtlsPort))) {
            assertThatThrownBy(() -> start(props("INSERT INTO t SELECT * FROM in/+",
                    "connect.coap.server.allow.insecure", "true", "connect.coap.server.psk.file", psk.toString())))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("connect.coap.server.dtls.port")
                    .hasMessageContaining(String.valueOf(dtlsPort));
            assertThatThrownBy(() -> start(props("INSERT INTO t SELECT * FROM in/+",
                    "connect.coap.server.psk.file", psk.toString())))
                    .as("DTLS alone, where Californium says only that no endpoint started")
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("connect.coap.server.dtls.port")
                    .hasMessageContaining(String.valueOf(dtlsPort));
        }
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(
                "kafka.connect:type=plugins,connector=" + name + ",*"), null)).as("its metrics closed").isEmpty();
        try (DatagramSocket free = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(free.getLocalPort()).as("the plain port it had bound is given back").isEqualTo(port);
        }
    }

    /**
     * A device taken out of the credentials file is locked out at once, not at its next handshake: its DTLS session
     * (or a resumed one, which Scandium checks against its own records) still carried its requests into Kafka.
     */
    @Test
    void aDeviceRemovedFromTheCredentialsFileIsRefusedOnItsOpenSession() throws Exception {
        Path psk = pskFile("dev-1=secret-1\ndev-3=secret-3\n");
        CoapSourceTask task = start(props("INSERT INTO readings SELECT * FROM readings/#",
                "connect.coap.server.psk.file", psk.toString()));
        TestDevice device = device(TestDevice.psk(dtlsPort, "dev-3", "secret-3"));
        Request first = device.post("readings/dev-3", "{}");
        commit(task, poll(task, 1));
        assertThat(TestDevice.isChanged(TestDevice.answer(first, 5000))).isTrue();

        Files.writeString(psk, "dev-1=secret-1\n");
        List<Response> answers = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Response answer = TestDevice.answer(device.post("readings/dev-3", "{}"), 2000);
            answers.add(answer);
            return answer != null && answer.getCode() == CoAP.ResponseCode.FORBIDDEN;
        });
        assertThat(answers.get(answers.size() - 1).getPayloadString()).contains("dev-3");
        assertThat(answers).as("taken (no answer yet: waiting for Kafka) until the file was read again, then refused")
                .allMatch(answer -> answer == null || answer.getCode() == CoAP.ResponseCode.FORBIDDEN);
    }

    @Test
    void aSecretThatIsNotHexAfter0xIsAConfigErrorNamingItsIdentity() throws Exception {
        Path psk = pskFile("dev-1=secret-1\ndev-2=0xnothex\n");
        assertThatThrownBy(() -> start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.psk.file",
                psk.toString()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("connect.coap.server.psk.file").hasMessageContaining("'dev-2'");
    }

    @Test
    void theCredentialsFileIsReadAgainWhenItChanges() throws Exception {
        Path psk = pskFile("dev-1=secret-1\n");
        CoapSourceTask task = start(props("INSERT INTO readings SELECT * FROM readings/#",
                "connect.coap.server.psk.file", psk.toString()));
        Request before = device(TestDevice.psk(dtlsPort, "dev-3", "secret-3")).post("readings/dev-3", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> before.isTimedOut() || before.getSendError() != null);

        Files.writeString(psk, "dev-1=secret-1\ndev-3=0x" + java.util.HexFormat.of()
                .formatHex("secret-3".getBytes(StandardCharsets.UTF_8)) + "\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Request after = device(TestDevice.psk(dtlsPort, "dev-3", "secret-3")).post("readings/dev-3", "{}");
            await().atMost(Duration.ofSeconds(10)).until(() -> after.isAcknowledged() || after.isTimedOut()
                    || after.getSendError() != null);
            return after.isAcknowledged();
        });
        assertThat(poll(task, 1)).singleElement().satisfies(r ->
                assertThat(((Struct) r.value()).getString("authentication")).isEqualTo("psk"));
    }

    @Test
    void aDeviceCertificateTheCaSignedNamesTheDeviceAndAStrangersIsRefused() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO readings SELECT * FROM readings/#",
                "connect.coap.server.dtls.cert", TestDevice.DTLS.resolve("server.pem").toString(),
                "connect.coap.server.dtls.key", TestDevice.DTLS.resolve("server.key").toString(),
                "connect.coap.server.dtls.ca.cert", TestDevice.DTLS.resolve("ca.pem").toString()));
        Request known = device(TestDevice.certificate(dtlsPort, "client")).post("readings/x", "{}");
        List<SourceRecord> records = poll(task, 1);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(((Struct) r.value()).getString("device_id")).isEqualTo("streamgrid-coap-client");
            assertThat(((Struct) r.value()).getString("authentication")).isEqualTo("x509");
            assertThat(r.key()).isEqualTo("streamgrid-coap-client");
        });
        commit(task, records);
        assertThat(TestDevice.isChanged(TestDevice.answer(known, 5000))).isTrue();

        Request stranger = device(TestDevice.certificate(dtlsPort, "stranger")).post("readings/x", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> stranger.isTimedOut() || stranger.getSendError() != null);
        assertThat(task.poll()).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("unknown-identities-total") >= 1.0);
    }

    @Test
    void aFullQueueAnswers503WithMaxAgeAndStoppingAnswersWhatKafkaHasNot() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure",
                "true", "connect.coap.queue.size", "2", "connect.coap.server.retry.after", "7"));
        TestDevice device = device(TestDevice.plain(port));
        Request first = device.post("in/a", "{}");
        Request second = device.post("in/b", "{}");
        await().atMost(Duration.ofSeconds(5)).until(() -> first.isAcknowledged() && second.isAcknowledged());
        Request third = device.post("in/c", "{}");
        Response busy = TestDevice.answer(third, 5000);
        assertThat(busy).isNotNull();
        assertThat(busy.getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(busy.getOptions().getMaxAge()).isEqualTo(7L);
        assertThat(metric("refused-total")).isEqualTo(1.0);

        List<SourceRecord> records = poll(task, 2);
        assertThat(records).hasSize(2);
        commit(task, records.subList(0, 1));
        assertThat(TestDevice.isChanged(TestDevice.answer(first, 5000))).isTrue();
        task.stop(); // the second record is on its way to Kafka, not there
        Response stopping = TestDevice.answer(second, 5000);
        assertThat(stopping).isNotNull();
        assertThat(stopping.getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(stopping.getOptions().getMaxAge()).isEqualTo(7L);
    }

    /**
     * With errors.tolerance = all the worker drops a record its converter or producer failed on and calls
     * commitRecord with no metadata: Kafka does not have it, so the device must not get a 2.04 (it did, and forgot
     * the reading). It is told 5.00 and may send it again. Without that setting, no metadata means a transformation
     * dropped the record, as the user configured: the request is done with, 2.04.
     */
    @Test
    void aRecordTheWorkerDroppedUnderErrorsToleranceAllIsAnswered500NotChanged() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure",
                "true", "errors.tolerance", "all"));
        TestDevice device = device(TestDevice.plain(port));
        Request request = device.post("in/a", "{\"v\":1}");
        List<SourceRecord> records = poll(task, 1);
        assertThat(records).hasSize(1);

        task.commitRecord(records.get(0), null);

        Response response = TestDevice.answer(request, 5000);
        assertThat(response).isNotNull();
        assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.INTERNAL_SERVER_ERROR);
        assertThat(response.getPayloadString()).contains("not stored").contains("errors.tolerance");
        assertThat(metric("acknowledged-total")).isZero();
        assertThat(metric("refused-total")).isEqualTo(1.0);
        assertThat(metric("queued-records")).isZero();
    }

    /** A poll() the worker makes while the task stops must not turn a request already answered 5.03 into a record. */
    @Test
    void aRequestAnswered503AtStopMakesNoRecord() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure",
                "true"));
        TestDevice device = device(TestDevice.plain(port));
        Request request = device.post("in/a", "{}");
        await().atMost(Duration.ofSeconds(5)).until(request::isAcknowledged);

        task.stop();

        assertThat(TestDevice.answer(request, 5000).getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(task.poll()).as("the device sends it again; a record now would be a duplicate").isNullOrEmpty();
    }

    @Test
    void aRecordATransformationDroppedIsAnswered204WithoutErrorsToleranceAll() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure",
                "true"));
        TestDevice device = device(TestDevice.plain(port));
        Request request = device.post("in/a", "{\"v\":1}");
        List<SourceRecord> records = poll(task, 1);
        assertThat(records).hasSize(1);

        task.commitRecord(records.get(0), null);

        assertThat(TestDevice.isChanged(TestDevice.answer(request, 5000))).isTrue();
        assertThat(metric("queued-records")).isZero();
    }

    /**
     * queue.max.bytes bounds the payloads of every request not yet answered, polled ones too: they stay in the
     * worker until Kafka has them (the bound once ended at the queue, and 10,000 polled requests of 8 KiB each
     * could wait beside a 32 MiB setting).
     */
    @Test
    void theByteBoundCoversRequestsAlreadyPolledThatWaitForKafka() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure",
                "true", "connect.coap.queue.max.bytes", "1000"));
        TestDevice device = device(TestDevice.plain(port));
        String payload = "{\"v\":\"" + "x".repeat(400) + "\"}";
        Request first = device.post("in/a", payload);
        Request second = device.post("in/b", payload);
        List<SourceRecord> records = poll(task, 2);
        assertThat(records).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.isAcknowledged() && second.isAcknowledged());

        Response busy = TestDevice.answer(device.post("in/c", payload), 5000);
        assertThat(busy).as("816 bytes wait for Kafka; 408 more would pass 1000").isNotNull();
        assertThat(busy.getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);

        commit(task, records);
        Request after = device.post("in/d", payload);
        assertThat(poll(task, 1)).as("taken once Kafka has the others").hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(after::isAcknowledged);
    }

    @Test
    void whatNoStatementTakesAndOtherMethodsAreRefused() throws Exception {
        start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure", "true"));
        TestDevice device = device(TestDevice.plain(port));
        Response notFound = TestDevice.answer(device.post("elsewhere/a", "{}"), 5000);
        assertThat(notFound.getCode()).isEqualTo(CoAP.ResponseCode.NOT_FOUND);
        Response get = TestDevice.answer(device.send(Request.newGet(), "in/a", new byte[0], -1), 5000);
        assertThat(get.getCode()).isEqualTo(CoAP.ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(metric("refused-total")).isEqualTo(2.0);
        assertThat(metric("records-in-total")).isZero();
    }

    @Test
    void aPayloadAStatementCannotReadIsAnswered400UnderSkipAndAfterItsDeadLetterUnderDlq() throws Exception {
        CoapSourceTask skipping = SourceTasks.start(new CoapSourceTask(), props("INSERT INTO t SELECT payload.t "
                + "FROM in/+", "connect.coap.server.allow.insecure", "true", "connect.coap.bad.message.policy", "SKIP"));
        try {
            Request bad = device(TestDevice.plain(port)).post("in/a", "not json");
            await().atMost(Duration.ofSeconds(10)).until(() -> skipping.poll() == null && bad.getResponse() != null);
            assertThat(bad.getResponse().getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
        } finally {
            skipping.stop();
        }

        CoapSourceTask dlq = start(props("INSERT INTO t SELECT payload.t FROM in/+",
                "connect.coap.server.allow.insecure", "true", "connect.coap.bad.message.policy", "DLQ",
                "connect.coap.dead.letter.topic", "bad"));
        Request bad2 = device(TestDevice.plain(port)).post("in/b", "not json");
        List<SourceRecord> letters = poll(dlq, 1);
        assertThat(letters).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("bad");
            assertThat(r.headers().lastWithName("coap.path").value()).isEqualTo("in/b");
        });
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> bad2.getResponse() == null);
        commit(dlq, letters);
        Response deadLettered = TestDevice.answer(bad2, 5000);
        assertThat(deadLettered.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
        assertThat(deadLettered.getPayloadString()).contains("not JSON");
    }

    @Test
    void twoTasksShareThePortAndEachTakesSomeDevices() throws Exception {
        Map<String, String> props = props("INSERT INTO t SELECT * FROM in/+ PROPERTIES('device.id' = '${2}')",
                "connect.coap.server.allow.insecure", "true");
        Map<String, String> second = new HashMap<>(props);
        second.put(TaskIds.TASK_ID_CONFIG, "1");
        CoapSourceTask one = start(props);
        CoapSourceTask two = start(second);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            requests.add(device(TestDevice.plain(port)).post("in/d" + i, "{}"));
        }
        List<SourceRecord> byOne = new ArrayList<>();
        List<SourceRecord> byTwo = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            byOne.addAll(orEmpty(one.poll()));
            byTwo.addAll(orEmpty(two.poll()));
            return byOne.size() + byTwo.size() == requests.size();
        });
        assertThat(byOne).as("the first task's devices").isNotEmpty();
        assertThat(byTwo).as("the second task's devices").isNotEmpty();
        commit(one, byOne);
        commit(two, byTwo);
        for (Request request : requests) {
            assertThat(TestDevice.isChanged(TestDevice.answer(request, 5000))).as(request.getURI()).isTrue();
        }
    }

    /**
     * A device whose ACK got lost sends its confirmable POST again, with the same message id: within the exchange
     * lifetime Californium recognises it, acknowledges it again and the task takes it once; after the lifetime the
     * same message is a new request, taken again (at least once).
     */
    @Test
    void aRequestSentAgainWithinTheExchangeLifetimeIsTakenOnceAndAfterItAgain() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT * FROM in/+", "connect.coap.server.allow.insecure",
                "true", "connect.coap.exchange.lifetime", "1000"));
        try (DatagramSocket device = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            device.setSoTimeout(5000);
            Request post = Request.newPost();
            post.setURI("coap://127.0.0.1:" + port + "/in/a");
            post.setPayload("{\"n\":1}");
            post.setMID(4711);
            post.setToken(new Token(new byte[] {1, 2, 3, 4}));
            post.setDestinationContext(new AddressEndpointContext(new InetSocketAddress("127.0.0.1", port)));
            byte[] bytes = new UdpDataSerializer().getByteArray(post);

            send(device, bytes);
            assertThat(receive(device)).as("the empty ACK").isInstanceOf(EmptyMessage.class);
            send(device, bytes); // as if that ACK was lost
            assertThat(receive(device)).as("acknowledged again").isInstanceOf(EmptyMessage.class);
            List<SourceRecord> records = new ArrayList<>();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
                records.addAll(orEmpty(task.poll()));
                return records.size() == 1;
            });
            commit(task, records);
            Message answer = receive(device);
            assertThat(answer).isInstanceOf(Response.class);
            assertThat(((Response) answer).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
            EmptyMessage ack = new EmptyMessage(CoAP.Type.ACK);
            ack.setMID(answer.getMID());
            ack.setToken(Token.EMPTY);
            send(device, new UdpDataSerializer().getByteArray(ack));

            List<SourceRecord> again = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                send(device, bytes);
                again.addAll(orEmpty(task.poll()));
                return !again.isEmpty();
            });
            assertThat(again).as("the same message once the exchange lifetime has passed").hasSize(1);
        }
    }

    private void send(DatagramSocket socket, byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    private static Message receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        return new UdpDataParser().parseMessage(Arrays.copyOf(buffer, packet.getLength()));
    }

    @Test
    void aCborPayloadReadsAsJsonDoes() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO t SELECT payload.temperature, payload.sensor, payload "
                + "FROM in/+ WHERE payload.temperature > 20", "connect.coap.server.allow.insecure", "true"));
        TestDevice device = device(TestDevice.plain(port));
        byte[] warm = new CBORMapper().writeValueAsBytes(Map.of("sensor", "s-1", "temperature", 21.5));
        byte[] cold = new CBORMapper().writeValueAsBytes(Map.of("sensor", "s-2", "temperature", 3.5));
        Request kept = device.send(Request.newPost(), "in/a", warm, CborDocuments.CONTENT_FORMAT);
        Request filtered = device.send(Request.newPost(), "in/b", cold, CborDocuments.CONTENT_FORMAT);
        List<SourceRecord> records = poll(task, 1);
        assertThat(records).singleElement().satisfies(r -> {
            Struct value = (Struct) r.value();
            assertThat(value.getFloat64("temperature")).isEqualTo(21.5);
            assertThat(value.getString("sensor")).isEqualTo("s-1");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> task.poll() == null && filtered.getResponse() != null);
        assertThat(TestDevice.isChanged(filtered.getResponse())).as("kept out by WHERE: nothing to wait for").isTrue();
        commit(task, records);
        assertThat(TestDevice.isChanged(TestDevice.answer(kept, 5000))).isTrue();
        assertThat(metric("filtered-total")).isEqualTo(1.0);
    }

    @Test
    void aSenmlPackIsARecordPerMeasurementKeyedByNameAndAnsweredWhenKafkaHasThemAll() throws Exception {
        CoapSourceTask task = start(props("INSERT INTO measurements SELECT n, u, v, vs, t FROM senml/+ "
                + "WITHCONVERTER = `senml`", "connect.coap.server.allow.insecure", "true"));
        TestDevice device = device(TestDevice.plain(port));
        String pack = "[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"temp\",\"u\":\"Cel\",\"v\":23.1},"
                + "{\"n\":\"label\",\"vs\":\"Machine Room\"}]";
        Request json = device.send(Request.newPost(), "senml/d1", pack.getBytes(StandardCharsets.UTF_8),
                Senml.JSON_CONTENT_FORMAT);
        List<SourceRecord> records = poll(task, 2);
        assertThat(records).extracting(SourceRecord::key).containsExactly("urn:dev:ow:10e2073a01080063:temp",
                "urn:dev:ow:10e2073a01080063:label");
        assertThat(((Struct) records.get(0).value()).getFloat64("v")).isEqualTo(23.1);
        assertThat(((Struct) records.get(1).value()).getString("vs")).isEqualTo("Machine Room");
        commit(task, records.subList(0, 1));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> json.getResponse() == null);
        commit(task, records.subList(1, 2));
        assertThat(TestDevice.isChanged(TestDevice.answer(json, 5000))).as("once Kafka has both").isTrue();

        byte[] cbor = new CBORMapper().writeValueAsBytes(List.of(Map.of(-2, "dev:", 0, "rpm", 2, 900)));
        Request binary = device.send(Request.newPost(), "senml/d1", cbor, Senml.CBOR_CONTENT_FORMAT);
        List<SourceRecord> fromCbor = poll(task, 1);
        assertThat(fromCbor).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("dev:rpm");
            assertThat(((Struct) r.value()).getFloat64("v")).isEqualTo(900.0);
        });
        commit(task, fromCbor);
        assertThat(TestDevice.isChanged(TestDevice.answer(binary, 5000))).isTrue();
    }

    private static List<SourceRecord> orEmpty(List<SourceRecord> batch) {
        return batch == null ? List.of() : batch;
    }
}
