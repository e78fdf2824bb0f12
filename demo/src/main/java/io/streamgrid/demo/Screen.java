package io.streamgrid.demo;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Where the demo shows itself. On a terminal it writes to {@code /dev/tty} and redraws the view in place: Maven
 * pipes a forked program's output through its own console, which in batch mode ({@code -B}) strips the cursor
 * codes. There the view is fitted to the terminal's size, so redrawing it never scrolls. Without a terminal (CI,
 * {@code --terminal plain}, a log) each view is printed in full below the previous one.
 */
final class Screen {

    private static final String TTY = "/dev/tty";
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
                return new Screen(new PrintStream(new FileOutputStream(TTY), true, StandardCharsets.UTF_8),
                        true);
            } catch (IOException | SecurityException e) {
                // no controlling terminal: print the views one below the other
            }
        }
        return new Screen(fallback, false);
    }

    /**
     * The terminal's size now (a user may resize it at any time), asked of {@code stty}; {@link
     * TerminalSize#UNLIMITED} when the views go below each other; {@link TerminalSize#CLASSIC} when the terminal
     * does not say.
     */
    TerminalSize size() {
        if (!inPlace) {
            return TerminalSize.UNLIMITED;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File(TTY))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String answer = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0 && answer.matches("\\d+ \\d+")) {
                String[] rowsAndColumns = answer.split(" ");
                int rows = Integer.parseInt(rowsAndColumns[0]);
                int columns = Integer.parseInt(rowsAndColumns[1]);
                if (rows > 0 && columns > 0) {
                    return new TerminalSize(rows, columns);
                }
            }
        } catch (IOException e) {
            // no stty: assume the classic size
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return TerminalSize.CLASSIC;
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
