package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

class BuffersTest {

    @Test
    void copiesTheRemainingBytesAndLeavesThePositionAlone() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
        buffer.get();
        assertThat(Buffers.toArray(buffer)).containsExactly(1, 2, 3);
        assertThat(buffer.position()).isEqualTo(1);
    }

    @Test
    void byteBufferValuesEncodeLikeArrays() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff, 42});
        assertThat(new JsonValueFormat().encode(Schema.BYTES_SCHEMA, buffer)).isEqualTo("\"AAH/Kg==\"");
        assertThat(new BinaryValueFormat().encode(Schema.BYTES_SCHEMA, buffer)).containsExactly(0, 1, 0xff, 42);
    }
}
