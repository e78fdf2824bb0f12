package io.streamgrid.hazelcast;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.common.format.AvroValueFormat;
import io.streamgrid.kcql.Format;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every STOREAS target with every format, written by one task and read back from the member. */
class TargetFormatMatrixTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String STRUCTS = "structs_" + RUN;
    private static final String BYTES = "bytes_" + RUN;
    private static final Struct VALUE = HazelcastSinkTaskTest.reading("s-0", 21.5, 7L, "roof");
    private static final byte[] RAW = {0, 1, 2, (byte) 0xff};
    private static final Map<String, Object> TOPIC_MESSAGES = new ConcurrentHashMap<>();

    private static HazelcastMembers members;
    private static HazelcastInstance member;
    private static HazelcastSinkTask task;

    static Stream<Arguments> targetsAndFormats() {
        List<Arguments> cases = new ArrayList<>();
        for (StoreType type : StoreType.values()) {
            for (Format format : List.of(Format.JSON, Format.AVRO, Format.TEXT, Format.BINARY)) {
                cases.add(Arguments.of(type, format));
            }
        }
        return cases.stream();
    }

    private static String structure(StoreType type, Format format) {
        return (type + "_" + format + "_" + RUN).toLowerCase();
    }

    @BeforeAll
    static void writeEveryCombination() {
        members = new HazelcastMembers(1);
        member = members.member(0);
        List<String> statements = new ArrayList<>();
        targetsAndFormats().forEach(arguments -> {
            StoreType type = (StoreType) arguments.get()[0];
            Format format = (Format) arguments.get()[1];
            String name = structure(type, format);
            if (type == StoreType.RELIABLE_TOPIC) {
                member.getReliableTopic(name).addMessageListener(m -> TOPIC_MESSAGES.put(name, m.getMessageObject()));
            }
            statements.add("INSERT INTO " + name + " SELECT * FROM " + (format == Format.BINARY ? BYTES : STRUCTS)
                    + (type.keyed() ? " PK _key" : "") + " WITHFORMAT " + format + " STOREAS " + type);
        });
        task = new HazelcastSinkTask();
        task.initialize(new RecordingSinkTaskContext(false));
        task.start(members.sinkProps(String.join(";\n", statements)));
        task.put(List.of(
                new SinkRecord(STRUCTS, 0, Schema.STRING_SCHEMA, "s-0", VALUE.schema(), VALUE, 0),
                new SinkRecord(BYTES, 0, Schema.STRING_SCHEMA, "s-0", Schema.BYTES_SCHEMA, RAW, 0)));
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(
                new TopicPartition(STRUCTS, 0), new OffsetAndMetadata(1), new TopicPartition(BYTES, 0),
                new OffsetAndMetadata(1)));
        assertThat(committed.values()).allMatch(o -> o.offset() == 1);
    }

    @AfterAll
    static void stop() {
        task.stop();
        members.close();
    }

    @ParameterizedTest(name = "STOREAS {0} WITHFORMAT {1}")
    @MethodSource("targetsAndFormats")
    void storedValueReadsBack(StoreType type, Format format) throws InterruptedException {
        Object stored = readBack(type, structure(type, format));
        switch (format) {
            case JSON, TEXT -> assertThat(stored).isEqualTo(HazelcastSinkTaskTest.json("s-0", 21.5, 7, "roof"));
            case AVRO -> assertThat(new AvroValueFormat().decode(VALUE.schema(), stored).value()).isEqualTo(VALUE);
            case BINARY -> assertThat((byte[]) stored).containsExactly(RAW);
            default -> throw new IllegalArgumentException(format.name());
        }
    }

    private static Object readBack(StoreType type, String name) throws InterruptedException {
        return switch (type) {
            case RELIABLE_TOPIC -> {
                await().atMost(Duration.ofSeconds(10)).until(() -> TOPIC_MESSAGES.containsKey(name));
                yield TOPIC_MESSAGES.get(name);
            }
            case RING_BUFFER -> member.getRingbuffer(name).readOne(0);
            case QUEUE -> member.getQueue(name).peek();
            case LIST -> member.getList(name).get(0);
            case SET -> member.getSet(name).iterator().next();
            case IMAP -> member.getMap(name).get("s-0");
            case MULTI_MAP -> member.getMultiMap(name).get("s-0").iterator().next();
            case ICACHE -> member.getCacheManager().getCache(name).get("s-0");
            case REPLICATED_MAP -> member.getReplicatedMap(name).get("s-0");
        };
    }
}
