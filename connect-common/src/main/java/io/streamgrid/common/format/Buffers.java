package io.streamgrid.common.format;

import java.nio.ByteBuffer;

/** Bytes held in a ByteBuffer, copied out without moving the buffer's position. */
public final class Buffers {

    private Buffers() {
    }

    public static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
