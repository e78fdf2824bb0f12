package io.streamgrid.coap.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each record's outcome to Kafka, as Confluent's HTTP sink does with its reporter: delivered requests to the
 * result topic, rejected, failed and invalid ones to the error topic (either may be left out), through a producer of
 * its own. A record's offset is committed only once its outcome is written, so the device's answer reaches Kafka
 * at least once. The shape of a report is documented in docs/coap-sink.md ("Reporter"); keep them together.
 * <p>
 * Outcomes arrive on Californium's threads, which must not block on Kafka, so one thread of the reporter's own
 * writes them; its queue holds at most one outcome per request the task has open.
 */
final class OutcomeReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();

    /** One outcome to write; {@code delivery} is null for a record that never became a request. */
    record Report(SinkRecord record, DeviceStatement statement, Delivery delivery, Outcome outcome, Runnable written) {
    }

    private final Producer<byte[], byte[]> producer;
    private final String resultTopic;
    private final String errorTopic;
    private final String connector;
    private final int task;
    private final BlockingQueue<Report> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final JsonValueFormat json = new JsonValueFormat();
    private final Thread writer;
    private volatile boolean running = true;

    /** {@code resultTopic}, {@code errorTopic}: empty to leave such outcomes out (their records finish at once). */
    OutcomeReporter(Producer<byte[], byte[]> producer, String resultTopic, String errorTopic, String connector, int task,
                    int capacity, ThreadFactory threads) {
        this.producer = producer;
        this.resultTopic = resultTopic;
        this.errorTopic = errorTopic;
        this.connector = connector;
        this.task = task;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = threads.newThread(this::writeAll);
        this.writer.start();
    }

    /**
     * Queues an outcome; {@code report.written} runs once Kafka has it (or at once when its topic is left out).
     * Waits while the queue is full: Kafka is then slower than the devices, and requests wait for it.
     */
    void report(Report report) {
        if (topicOf(report.outcome()).isEmpty()) {
            report.written().run();
            return;
        }
        try {
            queue.put(report);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        }
    }

    private String topicOf(Outcome outcome) {
        return outcome.kind() == Outcome.Kind.DELIVERED ? resultTopic : errorTopic;
    }

    /** Throws what went wrong writing outcomes, so that the task fails instead of committing unreported records. */
    void throwIfFailed() {
        Throwable cause = failure.get();
        if (cause != null) {
            throw new ConnectException("The reporter could not write an outcome to Kafka (" + (resultTopic.isEmpty()
                    ? "" : "result topic " + resultTopic + (errorTopic.isEmpty() ? "" : ", ")) + (errorTopic.isEmpty()
                    ? "" : "error topic " + errorTopic) + "): " + cause, cause);
        }
    }

    private void writeAll() {
        try {
            while (running) {
                Report report = queue.poll(200, TimeUnit.MILLISECONDS);
                if (report != null) {
                    write(report);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            LOG.error("The CoAP sink's reporter stopped: {}", e.toString(), e);
        }
    }

    private void write(Report report) {
        byte[] value = json(report);
        producer.send(new ProducerRecord<>(topicOf(report.outcome()), key(report.record()), value), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                report.written().run();
            }
        });
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
            SchemaAndValue selected = delivery == null ? null : delivery.request().selected();
            if (selected == null || selected.value() == null) {
                g.writeNull();
            } else if (selected.value() instanceof String text && looksLikeJsonObject(text)) {
                g.writeRawValue(text);
            } else {
                JsonValueFormat.write(g, selected.schema(), selected.value());
            }
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

    private static boolean looksLikeJsonObject(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isContainerNode();
        } catch (IOException e) {
            return false;
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
                document = format == MediaTypeRegistry.APPLICATION_JSON ? JSON.readTree(payload) : CBOR.readTree(payload);
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

    /** Stops writing and closes the producer, giving it {@code timeout} to send what it holds. */
    void close(Duration timeout) {
        running = false;
        writer.interrupt();
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** The producer's settings: ours, then the user's {@code connect.coap.sink.reporter.producer.*} over them. */
    static Map<String, Object> producerConfig(String bootstrapServers, String clientId, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", clientId);
        config.put("acks", "all");
        config.put("linger.ms", 5);
        config.putAll(overrides);
        config.put("key.serializer", ByteArraySerializer.class);
        config.put("value.serializer", ByteArraySerializer.class);
        return config;
    }
}
