package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class WriteFailuresTest {

    @Test
    void aClientThatIsAwayIsToldApartFirst() {
        assertThat(WriteFailures.of(new HazelcastClientOfflineException())).isEqualTo(WriteFailures.CLIENT_GONE);
        assertThat(WriteFailures.of(new CompletionException(new HazelcastClientNotActiveException("gone"))))
                .isEqualTo(WriteFailures.CLIENT_GONE);
    }

    @Test
    void aRefusedRequestOrValueIsPermanentWhateverItIsWrappedIn() {
        assertThat(WriteFailures.of(new IllegalArgumentException("the store refuses k"))).isEqualTo(WriteFailures.PERMANENT);
        assertThat(WriteFailures.of(new HazelcastSerializationException("bad", new EOFException())))
                .as("a serialization failure caused by an IOException is still not worth retrying")
                .isEqualTo(WriteFailures.PERMANENT);
        assertThat(WriteFailures.of(new CompletionException(new ClassCastException("x")))).isEqualTo(WriteFailures.PERMANENT);
    }

    @Test
    void anythingElseMayHealAndIsRetried() {
        assertThat(WriteFailures.of(new TimeoutException("no acknowledgement"))).isEqualTo(WriteFailures.TRANSIENT);
        assertThat(WriteFailures.of(new TargetDisconnectedException("member left"))).isEqualTo(WriteFailures.TRANSIENT);
        assertThat(WriteFailures.of(new IndeterminateOperationStateException("maybe")))
                .as("unrecognised: retried, not dead-lettered").isEqualTo(WriteFailures.TRANSIENT);
        assertThat(WriteFailures.of(new HazelcastException("store down", new IOException("db"))))
                .isEqualTo(WriteFailures.TRANSIENT);
    }
}
