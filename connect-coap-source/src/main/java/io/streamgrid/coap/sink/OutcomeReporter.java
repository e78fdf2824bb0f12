package io.streamgrid.coap.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.streamgrid.common.format.JsonValueFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes each record's outcome to Kafka, as Confluent's HTTP sink does with its reporter: delivered requests to the
 * result topic, rejected, failed and invalid ones to the error topic (either may be left out), through a producer of
 * its own. A record's offset is committed only once its outcome is written, so the device's answer reaches Kafka
 * at least once. The shape of a report is documented in docs/coap-sink.md ("Reporter"); keep them together.
 * <p>
 * Outcomes arrive on Californium's threads and the task's, which must never wait for Kafka, so one thread of the
 * reporter's own writes them. A report Kafka does not take for now (brokers away, a topic it does not know) is
 * written again, a second later, for as long as the outage timeout allows; its record stays open meanwhile. One Kafka
 * refuses for good (authorization, size) fails the task.
 */
final class OutcomeReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();
    /** A JSON payload, read whole: nothing may follow its document. */
    private static final ObjectReader STRICT_JSON = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** How long the writer waits before it writes again what Kafka did not take. */
    private static final long RETRY_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long STILL_AWAY_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How long send() may wait for a topic's metadata (the producer's default is a minute). */
    static final int MAX_BLOCK_MS = 5_000;

    /** One outcome to write; {@code delivery} is null for a record that never became a request. */
    record Report(SinkRecord record, DeviceStatement statement, Delivery delivery, Outcome outcome, Runnable written) {
    }

    private final Producer<byte[], byte[]> producer;
    private final String resultTopic;
    private final String errorTopic;
    private final String connector;
    private final int task;
    private final Duration outageTimeout;
    /**
     * The reports to write, and those Kafka did not take at the front. No capacity of its own, so that no thread
     * ever waits to report: it holds one report per statement of a record the task has open, and the task stops
     * taking records at max.pending (and its bytes), which bounds it.
     */
    private final LinkedBlockingDeque<Report> queue = new LinkedBlockingDeque<>();
    /** What Kafka refused for good. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** When Kafka last stopped taking reports (System.nanoTime), 0 while it takes them. */
    private final AtomicLong awaySinceNanos = new AtomicLong();
    private volatile Throwable awayCause;
    private volatile long writeAgainAtNanos;
    private volatile long awayLoggedNanos;
    private final JsonValueFormat json = new JsonValueFormat();
    /** The task's MDC, for the lines logged on the producer's thread, which lacks it. */
    private final Map<String, String> loggingContext = MDC.getCopyOfContextMap();
    private final Thread writer;
    /** What the writer waits on while Kafka is away, so that close() wakes it. */
    private final Object wake = new Object();
    private volatile boolean running = true;

    /**
     * @param resultTopic, errorTopic empty to leave such outcomes out (their records finish at once)
     * @param outageTimeout how long a Kafka that takes no report is waited out before the task fails; zero: for ever
     */
    OutcomeReporter(Producer<byte[], byte[]> producer, String resultTopic, String errorTopic, String connector, int task,
                    Duration outageTimeout, ThreadFactory threads) {
        this.producer = producer;
        this.resultTopic = resultTopic;
        this.errorTopic = errorTopic;
        this.connector = connector;
        this.task = task;
        this.outageTimeout = outageTimeout;
        this.writer = threads.newThread(this::writeAll);
        this.writer.start();
    }

    /** Queues an outcome, never waiting; {@code report.written} runs once Kafka has it (at once when its topic is left out). */
    void report(Report report) {
        if (topicOf(report.outcome()).isEmpty()) {
            report.written().run();
            return;
        }
        queue.offerLast(report);
    }

    private String topicOf(Outcome outcome) {
        return outcome.kind() == Outcome.Kind.DELIVERED ? resultTopic : errorTopic;
    }

    /** Whether Kafka takes the reports: false while it is away or after it refused one. */
    boolean writing() {
        return failure.get() == null && awaySinceNanos.get() == 0;
    }

    /**
     * Throws when Kafka refused a report for good, or has taken none for longer than the outage timeout, so that
     * the task fails instead of waiting for ever; the records stay uncommitted.
     */
    void throwIfFailed() {
        Throwable cause = failure.get();
        if (cause != null) {
            throw new ConnectException("The reporter cannot write an outcome to Kafka (" + topics() + "): " + cause,
                    cause);
        }
        long since = awaySinceNanos.get();
        if (since == 0) {
            return;
        }
        long now = System.nanoTime();
        long awayMs = TimeUnit.NANOSECONDS.toMillis(now - since);
        if (!outageTimeout.isZero() && awayMs >= outageTimeout.toMillis()) {
            throw new ConnectException("The reporter has written no outcome to Kafka (" + topics() + ") for " + awayMs
                    + " ms, longer than " + CoapSinkConfig.REPORTER_OUTAGE_TIMEOUT_CONFIG + " (" + outageTimeout.toMillis()
                    + " ms); the records whose outcomes wait are not committed: " + awayCause, awayCause);
        }
        if (now - awayLoggedNanos >= STILL_AWAY_LOG_NANOS) {
            awayLoggedNanos = now;
            LOG.info("The reporter still cannot write to Kafka ({}): for {} s; {} outcomes wait", topics(),
                    awayMs / 1000, queue.size());
        }
    }

    private String topics() {
        return (resultTopic.isEmpty() ? "" : "result topic " + resultTopic + (errorTopic.isEmpty() ? "" : ", "))
                + (errorTopic.isEmpty() ? "" : "error topic " + errorTopic);
    }

    private void writeAll() {
        try {
            while (running) {
                long wait = writeAgainAtNanos - System.nanoTime();
                if (wait > 0 && awaySinceNanos.get() != 0) {
                    synchronized (wake) {
                        if (running) {
                            TimeUnit.NANOSECONDS.timedWait(wake, wait);
                        }
                    }
                    continue;
                }
                Report report = queue.pollFirst(200, TimeUnit.MILLISECONDS);
                if (report != null) {
                    write(report);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            if (running) {
                failure.compareAndSet(null, e);
                LOG.error("The CoAP sink's reporter stopped: {}", e.toString(), e);
            }
        }
    }

    private void write(Report report) {
        byte[] value = json(report);
        try {
            producer.send(new ProducerRecord<>(topicOf(report.outcome()), key(report.record()), value), (metadata, e) -> {
                if (loggingContext != null) { // the producer's own thread, this task's alone
                    MDC.setContextMap(loggingContext);
                }
                if (e == null) {
                    written();
                    report.written().run();
                } else {
                    notWritten(report, e);
                }
            });
        } catch (RuntimeException e) { // send() itself failed: a closed producer while stopping, or Kafka away
            notWritten(report, e);
        }
    }

    private void written() {
        long since = awaySinceNanos.getAndSet(0);
        if (since != 0) {
            LOG.info("The reporter writes to Kafka again after {} ms", TimeUnit.NANOSECONDS.toMillis(
                    System.nanoTime() - since));
        }
    }

    /** Kafka did not take a report: written again later when it may take it then, else the task fails. */
    private void notWritten(Report report, Exception e) {
        if (!running) {
            return; // stopping: its record stays open, its offset uncommitted
        }
        if (!(e instanceof RetriableException)) {
            failure.compareAndSet(null, e);
            return;
        }
        awayCause = e;
        long now = System.nanoTime();
        writeAgainAtNanos = now + RETRY_BACKOFF_NANOS;
        if (awaySinceNanos.compareAndSet(0, now)) {
            awayLoggedNanos = now;
            LOG.warn("The reporter cannot write to Kafka ({}): {}; writing the outcomes again every second{}, their "
                            + "records uncommitted meanwhile", topics(), e.toString(), outageTimeout.isZero() ? ""
                            : " for at most " + outageTimeout.toMillis() + " ms");
        }
        queue.offerFirst(report);
    }

    /** The report's key is the record's: a string key as its text, any other as JSON, none as none. */
    private byte[] key(SinkRecord record) {
        Object key = record.key();
        if (key == null) {
            return null;
        }
        if (key instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return json.encode(record.keySchema(), key).getBytes(StandardCharsets.UTF_8);
    }

    /** The report: see docs/coap-sink.md, "Reporter", for every field. */
    byte[] json(Report report) {
        SinkRecord record = report.record();
        Outcome outcome = report.outcome();
        Delivery delivery = report.delivery();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("outcome", outcome.kind().name());
            g.writeStringField("connector", connector);
            g.writeNumberField("task", task);
            g.writeStringField("topic", record.topic());
            g.writeNumberField("partition", record.kafkaPartition());
            g.writeNumberField("offset", record.kafkaOffset());
            writeNullable(g, "timestamp", record.timestamp());
            g.writeFieldName("key");
            JsonValueFormat.write(g, record.keySchema(), record.key());
            g.writeFieldName("value");
            writeSent(g, report);
            g.writeStringField("uri", delivery == null ? null : delivery.uri().toString());
            g.writeStringField("method", report.statement().method().name());
            g.writeBooleanField("confirmable", report.statement().confirmable());
            g.writeStringField("format", report.statement().format().name());
            g.writeStringField("code", outcome.code() == null ? null : Outcome.text(outcome.code()));
            g.writeStringField("code_name", outcome.code() == null ? null : outcome.code().name());
            g.writeNumberField("attempts", outcome.attempts());
            writeNullable(g, "rtt_ms", outcome.rttMs() < 0 ? null : outcome.rttMs());
            writeNullable(g, "sent_at", outcome.sentAtMs() < 0 ? null : outcome.sentAtMs());
            g.writeNumberField("completed_at", outcome.completedAtMs());
            writeResponse(g, outcome);
            g.writeStringField("error", outcome.error());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * What the device was sent, as JSON: the JSON payload's document, the CBOR payload decoded, the text, the bytes
     * as base64; null for DELETE and for a record no request was made of. Every document is parsed and written
     * again, never copied in as text, so nothing a record holds can end the value early and add fields to the
     * report; a payload that does not parse (it cannot, as the sink writes it) is written as a string.
     */
    private static void writeSent(JsonGenerator g, Report report) throws IOException {
        Delivery delivery = report.delivery();
        if (delivery == null || report.statement().method() == CoAP.Code.DELETE) {
            g.writeNull();
            return;
        }
        byte[] sent = delivery.request().payload().bytes();
        switch (report.statement().format()) {
            case TEXT -> g.writeString(new String(sent, StandardCharsets.UTF_8));
            case BINARY -> g.writeBinary(sent);
            case CBOR -> encodeDocument(g, sent, CBOR.reader());
            default -> encodeDocument(g, sent, STRICT_JSON);
        }
    }

    private static void encodeDocument(JsonGenerator g, byte[] document, ObjectReader reader) throws IOException {
        JsonNode tree;
        try {
            tree = reader.readTree(document);
        } catch (IOException e) {
            tree = null;
        }
        if (tree == null || tree.isMissingNode()) {
            g.writeString(new String(document, StandardCharsets.UTF_8));
        } else {
            JSON.writeTree(g, tree);
        }
    }

    private static void writeNullable(JsonGenerator g, String name, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    /**
     * The response's payload as text when it is UTF-8 (base64 otherwise, saying so), its Content-Format, and, for
     * JSON and CBOR, the document itself.
     */
    private static void writeResponse(JsonGenerator g, Outcome outcome) throws IOException {
        byte[] payload = outcome.responsePayload();
        int format = outcome.responseContentFormat();
        if (outcome.code() == null || payload.length == 0) {
            g.writeNullField("response_payload");
            g.writeNullField("response_payload_encoding");
        } else {
            String text = utf8(payload);
            g.writeStringField("response_payload", text != null ? text : Base64.getEncoder().encodeToString(payload));
            g.writeStringField("response_payload_encoding", text != null ? "utf-8" : "base64");
        }
        writeNullable(g, "response_content_format", format < 0 ? null : (long) format);
        g.writeFieldName("response_json");
        JsonNode document = null;
        if (payload.length > 0 && (format == MediaTypeRegistry.APPLICATION_JSON
                || format == MediaTypeRegistry.APPLICATION_CBOR)) {
            try {
                document = format == MediaTypeRegistry.APPLICATION_JSON ? STRICT_JSON.readTree(payload)
                        : CBOR.readTree(payload);
            } catch (IOException e) {
                document = null; // the payload says it is JSON or CBOR and is not: response_payload still has it
            }
        }
        if (document == null) {
            g.writeNull();
        } else {
            JSON.writeTree(g, document);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Stops writing and closes the producer, giving it {@code timeout} to send what it holds. A report not written by
     * then leaves its record uncommitted, to be sent and reported again after the restart.
     */
    void close(Duration timeout) {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        producer.close(timeout); // also ends a send() that waits for metadata: nothing is interrupted
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    /**
     * The producer's settings: ours (acks=all, a short linger, {@link #MAX_BLOCK_MS}), then the user's
     * {@code connect.coap.sink.reporter.producer.*} over them.
     */
    static Map<String, Object> producerConfig(String bootstrapServers, String clientId, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", clientId);
        config.put("acks", "all");
        config.put("linger.ms", 5);
        config.put("max.block.ms", MAX_BLOCK_MS);
        config.putAll(overrides);
        config.put("key.serializer", ByteArraySerializer.class);
        config.put("value.serializer", ByteArraySerializer.class);
        return config;
    }

    /** An admin client's settings with the reporter's brokers and security: the producer's that an admin knows. */
    static Map<String, Object> adminConfig(String bootstrapServers, Map<String, Object> overrides, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        overrides.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", "coap-sink-validate");
        config.put("default.api.timeout.ms", (int) timeout.toMillis());
        config.put("request.timeout.ms", (int) timeout.toMillis());
        return config;
    }
}
