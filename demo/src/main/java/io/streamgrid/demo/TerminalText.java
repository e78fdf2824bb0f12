package io.streamgrid.demo;

import java.util.Locale;

/**
 * Text from devices and servers made safe to print on a terminal: a control character in a device id would move the
 * cursor, change the window's title or worse. Each one is shown as an escape ({@code \e}, {@code \x07},
 * {@code \u202e}), so the text stays readable and nothing reaches the terminal as a command.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** {@code text} with every C0 and C1 control character, DEL and bidirectional override as a visible escape. */
    static String escape(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escaped(c);
            if (escaped != null && safe == null) {
                safe = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (safe != null) {
                safe.append(escaped == null ? String.valueOf(c) : escaped);
            }
        }
        return safe == null ? text : safe.toString();
    }

    private static String escaped(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\u001b' -> "\\e";
            default -> {
                if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                    yield String.format(Locale.ROOT, "\\x%02x", (int) c);
                }
                yield bidirectional(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : null;
            }
        };
    }

    /** The characters that reorder how the text around them is shown (RLO and the like). */
    private static boolean bidirectional(char c) {
        return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }
}
