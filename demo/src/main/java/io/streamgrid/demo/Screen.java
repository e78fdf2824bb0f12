package io.streamgrid.demo;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where the demo shows itself. On a terminal it writes to {@code /dev/tty} and redraws the view in place: Maven
 * pipes a forked program's output through its own console, which in batch mode ({@code -B}) strips the cursor
 * codes. Without a terminal (CI, {@code --terminal plain}) each view is printed below the previous one.
 */
final class Screen {

    private static final String HOME_AND_CLEAR = "\033[H\033[2J";
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";

    private final PrintStream out;
    private final boolean inPlace;
    private boolean firstView = true;

    private Screen(PrintStream out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    /** The terminal when there is one and {@code plain} is false, else {@code fallback}. */
    static Screen open(boolean plain, PrintStream fallback) {
        if (!plain) {
            try {
                return new Screen(new PrintStream(new FileOutputStream("/dev/tty"), true, StandardCharsets.UTF_8),
                        true);
            } catch (IOException | SecurityException e) {
                // no controlling terminal: print the views one below the other
            }
        }
        return new Screen(fallback, false);
    }

    /** A line of progress or a message, below what is shown. */
    synchronized void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Replaces the view on a terminal; otherwise prints it with a rule above. */
    synchronized void view(String text) {
        if (inPlace) {
            String body = text.replace("\n", CLEAR_TO_END_OF_LINE + "\n");
            out.print((firstView ? HOME_AND_CLEAR : "\033[H") + body + CLEAR_BELOW);
        } else {
            out.print("----\n" + text);
        }
        firstView = false;
        out.flush();
    }
}
