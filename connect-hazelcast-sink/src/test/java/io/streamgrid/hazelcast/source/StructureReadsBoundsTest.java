package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.core.HazelcastInstance;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bounds of a structure are asked on the lag probe's scheduled thread, where a thrown exception would end the
 * schedule for good without a word: a client that cannot even make the structure's proxy (it went offline between
 * the probe's look and the call) must give a failed answer, as a failed call does.
 */
class StructureReadsBoundsTest {

    private static HazelcastInstance offlineClient() {
        return (HazelcastInstance) Proxy.newProxyInstance(HazelcastInstance.class.getClassLoader(),
                new Class<?>[] {HazelcastInstance.class}, (proxy, method, args) -> {
                    throw new HazelcastClientOfflineException();
                });
    }

    @ParameterizedTest
    @EnumSource(StructureType.class)
    void aClientThatCannotMakeTheProxyGivesAFailedAnswerNotAThrow(StructureType type) {
        Cursor cursor = new Cursor(new StructureId(type, "gone"), 0);

        CompletableFuture<StructureReads.Bounds> bounds =
                StructureReads.of(type).bounds(offlineClient(), cursor).toCompletableFuture();

        assertThat(bounds).isCompletedExceptionally();
        assertThatThrownBy(bounds::join).hasCauseInstanceOf(HazelcastClientOfflineException.class);
    }
}
