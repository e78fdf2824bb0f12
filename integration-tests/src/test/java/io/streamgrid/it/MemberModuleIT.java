package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.internal.json.Json;
import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import io.streamgrid.hazelcast.member.CompactForm;
import io.streamgrid.hazelcast.member.JsonForm;
import io.streamgrid.hazelcast.member.KeyUpdate;
import io.streamgrid.hazelcast.member.MemberProbe;
import io.streamgrid.hazelcast.member.StateFold;
import io.streamgrid.hazelcast.member.StateProcessor;
import io.streamgrid.hazelcast.member.StateUpdate;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The member module on real members of Hazelcast 5.3.8 and 5.7.0 (separate processes, two per cluster), installed as
 * docs/hazelcast-sink.md says: the jar from the sink plugin's member/ folder on each member's class path, no member
 * configuration. Hazelcast finds its DataSerializerHook there, so the members read the sink's entry processors; a
 * member without the jar cannot, and the sink's probe learns so.
 */
class MemberModuleIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String MAP = "device_state_module";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"5.3", "5.7"})
    void membersWithTheJarMergeAndGuardDeviceState(String release) throws Exception {
        try (MemberProcesses members = new MemberProcesses(2, dir, lib(release, true), "module-" + release)) {
            HazelcastInstance client = members.client();
            client.getMap("__streamgrid.member-probe").executeOnEntries(new MemberProbe());

            IMap<Object, Object> map = client.getMap(MAP);
            StateFold json = new StateFold(new JsonForm(true), true, "ts");
            Map<Object, KeyUpdate> first = new LinkedHashMap<>();
            for (int d = 0; d < 50; d++) {
                first.put("d" + d, json.prepare(List.of(jsonUpdate("{\"t\":20,\"ts\":1}"),
                        jsonUpdate("{\"battery\":90,\"ts\":2}")), false));
            }
            assertThat(send(map, json, first, true)).as("nothing stale, nothing to send again").isEmpty();
            assertThat(Json.parse(((HazelcastJsonValue) map.get("d7")).getValue()))
                    .isEqualTo(Json.parse("{\"t\":20,\"ts\":2,\"battery\":90}"));

            // an older reading, then a newer one: the older is skipped on the member and counted
            Map<Object, KeyUpdate> second = Map.of("d7", json.prepare(List.of(jsonUpdate("{\"t\":5,\"ts\":1}"),
                    jsonUpdate("{\"humidity\":40,\"ts\":3}")), false));
            Map<Object, Integer> answers = send(map, json, second, true);
            assertThat(answers).as("stored ts 2 is past the first update: the member asks for them one by one")
                    .containsEntry("d7", StateProcessor.NEEDS_CHAIN);
            assertThat(send(map, json, second, false)).containsEntry("d7", 1);
            assertThat(Json.parse(((HazelcastJsonValue) map.get("d7")).getValue()))
                    .isEqualTo(Json.parse("{\"t\":20,\"ts\":3,\"battery\":90,\"humidity\":40}"));

            // Compact records the member has no class for, merged keeping the stored field's kind
            StateFold compact = new StateFold(new CompactForm("DeviceState", false), true, "ts");
            IMap<Object, Object> records = client.getMap(MAP + "_compact");
            send(records, compact, Map.of("c1", compact.prepare(List.of(new StateUpdate(GenericRecordBuilder
                    .compact("DeviceState").setFloat64("t", 21.5).setInt64("ts", 1).build(), BigDecimal.ONE)),
                    false)), false);
            send(records, compact, Map.of("c1", compact.prepare(List.of(new StateUpdate(GenericRecordBuilder
                    .compact("DeviceState").setInt64("t", 22).setInt64("ts", 2).build(), BigDecimal.valueOf(2))),
                    false)), false);
            GenericRecord stored = (GenericRecord) records.get("c1");
            assertThat(stored.getFloat64("t")).as("22 written into the stored FLOAT64 field").isEqualTo(22.0);
            assertThat(stored.getInt64("ts")).isEqualTo(2L);

            // a tombstone in the batch: the entry goes
            send(map, json, Map.of("d8", json.prepare(List.of(), true)), false);
            assertThat(map.containsKey("d8")).isFalse();
            assertThat(map.size()).isEqualTo(49);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.3", "5.7"})
    void membersWithoutTheJarFailTheProbe(String release) throws Exception {
        try (MemberProcesses members = new MemberProcesses(2, dir, lib(release, false), "plain-" + release)) {
            assertThatThrownBy(() -> members.client().getMap("__streamgrid.member-probe")
                    .executeOnEntries(new MemberProbe()))
                    .as("what the sink's auto mode takes for members without the module")
                    .isInstanceOf(HazelcastSerializationException.class);
        }
    }

    private static StateUpdate jsonUpdate(String text) {
        JsonObject document = JsonForm.parseObject(text);
        return new StateUpdate(document, new BigDecimal(document.get("ts").toString()));
    }

    /** Sends the updates as the sink's first try (folded alone where folded) or with their chains; the answers. */
    private static Map<Object, Integer> send(IMap<Object, Object> map, StateFold fold, Map<Object, KeyUpdate> updates,
                                             boolean firstTry) {
        Map<Object, KeyUpdate> sent = new LinkedHashMap<>();
        updates.forEach((key, update) -> sent.put(key, firstTry ? update.firstTry() : update));
        return map.executeOnKeys(sent.keySet(), new StateProcessor(fold, true, "ts", -1, sent));
    }

    /** A member's class path: that release's Hazelcast, and the sink plugin's member jar when asked. */
    private Path lib(String release, boolean withModule) throws IOException, URISyntaxException {
        Path lib = Files.createDirectories(dir.resolve("lib-" + release + (withModule ? "-module" : "")));
        Path hazelcast = release.equals("5.7")
                ? Path.of(Hazelcast.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                : KafkaRelease.COMPAT.resolve("hazelcast-" + release).resolve("target/lib/hazelcast-5.3.8.jar");
        Files.copy(hazelcast, lib.resolve(hazelcast.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        if (withModule) {
            Path member = memberJar();
            Files.copy(member, lib.resolve(member.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return lib;
    }

    private static Path memberJar() throws IOException {
        String version = PluginPackagesTest.projectVersion();
        Path jar = ROOT.resolve("target/plugins/streamgrid-connect-hazelcast-sink-" + version + "/member/"
                + "streamgrid-hazelcast-member-" + version + ".jar");
        assertThat(jar).as("mvn package puts the member jar in the sink plugin's member/").isRegularFile();
        return jar;
    }
}
