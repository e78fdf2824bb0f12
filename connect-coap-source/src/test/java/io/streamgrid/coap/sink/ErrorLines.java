package io.streamgrid.coap.sink;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The ERROR lines slf4j-simple writes while it is open: the tests' logger writes to {@code System.err}, looked up at
 * every line, so a copy of what is written there shows what a worker's log would show. What is written still goes
 * to the real {@code System.err} too.
 */
final class ErrorLines implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    ErrorLines() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (copy) {
                    copy.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** The lines logged at ERROR so far, with what follows them (a stack trace) left out. */
    List<String> errors() {
        String text;
        synchronized (copy) {
            text = copy.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\n")).filter(line -> line.contains(" ERROR ")).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
