package io.streamgrid.kcql;

import java.util.List;

/**
 * The one exception KCQL parsing and checking throw, for any input. It carries the position
 * (line and column from 1), the offending text, the tokens that would have been accepted there,
 * and a message that shows the line with a caret under the fault:
 *
 * <pre>
 * KCQL error at line 1, column 31: unexpected 'FOO', expected one of: IGNORE, PK, ..., end of input
 *   INSERT INTO a SELECT * FROM b FOO
 *                                 ^^^
 * </pre>
 */
public final class KcqlException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN_LINE = 200;

    private final Position position;
    private final String offendingText;
    private final List<String> expected;
    private final String reason;
    /** For a syntax error, the reason without its "expected ..." part; null otherwise. */
    private final String unexpected;
    private final String sourceLine;

    private KcqlException(Position position, String offendingText, List<String> expected, String reason,
                          String unexpected, String sourceLine) {
        super(render(position, reason, sourceLine, offendingText));
        this.position = position;
        this.offendingText = offendingText;
        this.expected = List.copyOf(expected);
        this.reason = reason;
        this.unexpected = unexpected;
        this.sourceLine = sourceLine;
    }

    /**
     * A syntax error: {@code unexpected} says what was found ("unexpected 'FOO'"), and the reason adds what
     * would have been accepted there.
     */
    static KcqlException syntax(String input, Position position, String offendingText, List<String> expected,
                                String unexpected) {
        return new KcqlException(position, offendingText, expected, unexpected + expecting(expected), unexpected,
                lineOf(input, position.line()));
    }

    /**
     * The same syntax error with only the {@code accepted} words of what was expected (those a connector can carry
     * out); this exception itself when it is no syntax error or nothing is left out.
     */
    KcqlException expectingOnly(java.util.function.Predicate<String> accepted) {
        List<String> narrowed = expected.stream().filter(accepted).toList();
        if (unexpected == null || narrowed.size() == expected.size() || narrowed.isEmpty()) {
            return this;
        }
        return new KcqlException(position, offendingText, narrowed, unexpected + expecting(narrowed), unexpected,
                sourceLine);
    }

    private static String expecting(List<String> expected) {
        return expected.isEmpty() ? "" : expected.size() == 1 ? ", expected " + expected.get(0)
                : ", expected one of: " + String.join(", ", expected);
    }

    /** A fault at {@code position} of the whole KCQL input. */
    static KcqlException inInput(String input, Position position, String offendingText, List<String> expected,
                                 String reason) {
        return new KcqlException(position, offendingText, expected, reason, null, lineOf(input, position.line()));
    }

    /**
     * A fault at {@code position} (absolute in the whole input) inside a statement whose text starts at
     * {@code start}: the caret line is rebuilt from the statement's own text.
     */
    static KcqlException inStatement(String text, Position start, Position position, String offendingText,
                                     String reason) {
        String[] lines = text.split("\r?\n|\r", -1);
        int index = position.line() - start.line();
        String line = "";
        if (index >= 0 && index < lines.length) {
            String indent = index == 0 ? " ".repeat(start.column() - 1) : "";
            line = indent + lines[index];
        }
        return new KcqlException(position, offendingText, List.of(), reason, null, line);
    }

    public Position position() {
        return position;
    }

    public int line() {
        return position.line();
    }

    public int column() {
        return position.column();
    }

    /** The text at the fault as written, or {@code end of input}. */
    public String offendingText() {
        return offendingText;
    }

    /** What would have been accepted at the fault (for syntax errors), e.g. {@code IGNORE}, {@code a name}. */
    public List<String> expected() {
        return expected;
    }

    /** The reason alone, without position and caret, e.g. for a one-line log or UI message. */
    public String reason() {
        return reason;
    }

    private static String lineOf(String input, int line) {
        String[] lines = input.split("\r?\n|\r", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : "";
    }

    private static String render(Position position, String reason, String sourceLine, String offendingText) {
        StringBuilder message = new StringBuilder("KCQL error at line ").append(position.line())
                .append(", column ").append(position.column()).append(": ").append(reason);
        if (sourceLine.isBlank()) {
            return message.toString();
        }
        String shown = sourceLine.replace('\t', ' ');
        int caretAt = Math.min(position.column() - 1, shown.length());
        int from = 0;
        if (shown.length() > MAX_SHOWN_LINE) {
            from = Math.max(0, Math.min(caretAt - MAX_SHOWN_LINE / 2, shown.length() - MAX_SHOWN_LINE));
            shown = shown.substring(from, Math.min(shown.length(), from + MAX_SHOWN_LINE));
        }
        int column = caretAt - from;
        int width = offendingText == null || offendingText.isEmpty() || offendingText.equals(Kcql.END_OF_INPUT)
                ? 1 : offendingText.split("\r?\n|\r", -1)[0].length();
        width = Math.max(1, Math.min(width, shown.length() - column));
        message.append(System.lineSeparator()).append("  ").append(shown)
                .append(System.lineSeparator()).append("  ").append(" ".repeat(column)).append("^".repeat(width));
        return message.toString();
    }
}
