package io.streamgrid.common.format;

/**
 * Whether a string is one whole JSON object or array (RFC 8259, strictly: no comments, no single quotes, no leading
 * zeros, no NaN), answered by a scan that allocates nothing. The sink asks this of every string value it stores as
 * JSON; a Jackson parser per record was most of the sink task's allocation (issue #18). {@code JsonTextTest} holds
 * it to Jackson's answers. The same scan tells an object's top-level members to {@link JsonMembers}.
 */
final class JsonText {

    /** As Jackson's default {@code StreamReadConstraints}: deeper documents are not taken for JSON. */
    private static final int MAX_DEPTH = 1000;
    private static final int INVALID = -1;

    private JsonText() {
    }

    static boolean isObjectOrArray(String text) {
        int start = skipWhitespace(text, 0);
        if (start >= text.length() || (text.charAt(start) != '{' && text.charAt(start) != '[')) {
            return false;
        }
        int end = value(text, start, 0);
        return end != INVALID && skipWhitespace(text, end) == text.length();
    }

    /** Whether the text is one whole JSON object; each of its top-level members is told to {@code members}. */
    static boolean object(String text, JsonMembers.Visitor members) {
        int start = skipWhitespace(text, 0);
        if (start >= text.length() || text.charAt(start) != '{') {
            return false;
        }
        int end = object(text, start + 1, 1, members);
        return end != INVALID && skipWhitespace(text, end) == text.length();
    }

    /** The index after the value that starts at {@code at}, or INVALID. */
    private static int value(String text, int at, int depth) {
        if (at >= text.length()) {
            return INVALID;
        }
        return switch (text.charAt(at)) {
            case '{' -> depth >= MAX_DEPTH ? INVALID : object(text, at + 1, depth + 1, null);
            case '[' -> depth >= MAX_DEPTH ? INVALID : array(text, at + 1, depth + 1);
            case '"' -> string(text, at + 1);
            case 't' -> literal(text, at, "true");
            case 'f' -> literal(text, at, "false");
            case 'n' -> literal(text, at, "null");
            default -> number(text, at);
        };
    }

    /** {@code members}, when not null, is told each member once its value is scanned. */
    private static int object(String text, int at, int depth, JsonMembers.Visitor members) {
        int i = skipWhitespace(text, at);
        if (i < text.length() && text.charAt(i) == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= text.length() || text.charAt(i) != '"') {
                return INVALID;
            }
            int nameStart = i + 1;
            i = string(text, nameStart);
            if (i == INVALID) {
                return INVALID;
            }
            int nameEnd = i - 1;
            i = skipWhitespace(text, i);
            if (i >= text.length() || text.charAt(i) != ':') {
                return INVALID;
            }
            int valueStart = skipWhitespace(text, i + 1);
            i = value(text, valueStart, depth);
            if (i == INVALID) {
                return INVALID;
            }
            if (members != null) {
                members.member(text, nameStart, nameEnd, JsonMembers.kind(text, valueStart, i), valueStart, i);
            }
            i = skipWhitespace(text, i);
            if (i >= text.length()) {
                return INVALID;
            }
            char next = text.charAt(i);
            if (next == '}') {
                return i + 1;
            }
            if (next != ',') {
                return INVALID;
            }
            i = skipWhitespace(text, i + 1);
        }
    }

    private static int array(String text, int at, int depth) {
        int i = skipWhitespace(text, at);
        if (i < text.length() && text.charAt(i) == ']') {
            return i + 1;
        }
        while (true) {
            i = value(text, i, depth);
            if (i == INVALID) {
                return INVALID;
            }
            i = skipWhitespace(text, i);
            if (i >= text.length()) {
                return INVALID;
            }
            char next = text.charAt(i);
            if (next == ']') {
                return i + 1;
            }
            if (next != ',') {
                return INVALID;
            }
            i = skipWhitespace(text, i + 1);
        }
    }

    /** {@code at} is just after the opening quote. */
    private static int string(String text, int at) {
        int i = at;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c < 0x20) {
                return INVALID;
            }
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    return INVALID;
                }
                char escaped = text.charAt(i + 1);
                if (escaped == 'u') {
                    if (i + 6 > text.length()) {
                        return INVALID;
                    }
                    for (int h = i + 2; h < i + 6; h++) {
                        if (Character.digit(text.charAt(h), 16) < 0 || text.charAt(h) > 'f') {
                            return INVALID;
                        }
                    }
                    i += 6;
                    continue;
                }
                if ("\"\\/bfnrt".indexOf(escaped) < 0) {
                    return INVALID;
                }
                i += 2;
                continue;
            }
            i++;
        }
        return INVALID;
    }

    private static int literal(String text, int at, String word) {
        return text.startsWith(word, at) ? at + word.length() : INVALID;
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
    private static int number(String text, int at) {
        int i = at;
        if (i < text.length() && text.charAt(i) == '-') {
            i++;
        }
        if (i >= text.length() || !isDigit(text.charAt(i))) {
            return INVALID;
        }
        if (text.charAt(i) == '0') {
            i++;
        } else {
            i = digits(text, i);
        }
        if (i < text.length() && text.charAt(i) == '.') {
            int fraction = digits(text, i + 1);
            if (fraction == i + 1) {
                return INVALID;
            }
            i = fraction;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponent = digits(text, i);
            if (exponent == i) {
                return INVALID;
            }
            i = exponent;
        }
        return i;
    }

    private static int digits(String text, int at) {
        int i = at;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int skipWhitespace(String text, int at) {
        int i = at;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return i;
            }
            i++;
        }
        return i;
    }
}
