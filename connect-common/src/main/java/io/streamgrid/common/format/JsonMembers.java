package io.streamgrid.common.format;

/**
 * The top-level members of a JSON object text, each as the range of its name and the kind of its value, told by
 * the one scan {@link JsonText} makes, allocating nothing. The sink's SQL mapping asks this of every JSON value of
 * a batch to give every field the column its values need; a parse per record would cost what the allocation-free
 * check saved (issue #18), and looking at only some records missed fields (issue #26).
 */
public final class JsonMembers {

    /** What kind of value a member has. */
    public enum Kind {
        STRING,
        /** A number without fraction or exponent that a {@code long} holds. */
        WHOLE,
        /** Any other number: with a fraction or an exponent, or a whole number beyond 64 bits. */
        NUMBER,
        BOOLEAN,
        NULL,
        OBJECT,
        ARRAY
    }

    /** Told each member of an object, in document order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param nameStart where the member's name starts in {@code text}, after its opening quote
         * @param nameEnd   where it ends, at its closing quote; the name as written, escapes undecoded
         *                  ({@link #name} decodes it)
         */
        void member(String text, int nameStart, int nameEnd, Kind kind);

        /**
         * The same, with where the member's value lies: {@code text[valueStart, valueEnd)}, a string with its quotes
         * (so {@link #name}{@code (text, valueStart + 1, valueEnd - 1)} decodes it). For visitors that read values,
         * such as the MQTT sink taking a topic's parts from JSON text; by default the value is not needed.
         */
        default void member(String text, int nameStart, int nameEnd, Kind kind, int valueStart, int valueEnd) {
            member(text, nameStart, nameEnd, kind);
        }
    }

    private static final String LONG_MAX = String.valueOf(Long.MAX_VALUE);
    private static final String LONG_MIN_DIGITS = String.valueOf(Long.MIN_VALUE).substring(1);

    private JsonMembers() {
    }

    /**
     * Tells the visitor each top-level member of the object the text is. Returns false when the text is not one
     * whole JSON object (RFC 8259, strictly); members before the fault have been told by then.
     */
    public static boolean visit(String text, Visitor visitor) {
        return JsonText.object(text, visitor);
    }

    /** The name of a member, its escapes decoded. */
    public static String name(String text, int nameStart, int nameEnd) {
        int escape = nameStart; // looked for in the name only, not in the rest of the text
        while (escape < nameEnd && text.charAt(escape) != '\\') {
            escape++;
        }
        if (escape == nameEnd) {
            return text.substring(nameStart, nameEnd);
        }
        StringBuilder name = new StringBuilder(nameEnd - nameStart);
        for (int i = nameStart; i < nameEnd; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                name.append(c);
                continue;
            }
            char escaped = text.charAt(++i);
            switch (escaped) {
                case 'u' -> {
                    name.append((char) Integer.parseInt(text, i + 1, i + 5, 16));
                    i += 4;
                }
                case 'b' -> name.append('\b');
                case 'f' -> name.append('\f');
                case 'n' -> name.append('\n');
                case 'r' -> name.append('\r');
                case 't' -> name.append('\t');
                default -> name.append(escaped); // " \ /
            }
        }
        return name.toString();
    }

    /** The kind of the valid JSON value at {@code text[start, end)}. */
    static Kind kind(String text, int start, int end) {
        return switch (text.charAt(start)) {
            case '"' -> Kind.STRING;
            case '{' -> Kind.OBJECT;
            case '[' -> Kind.ARRAY;
            case 't', 'f' -> Kind.BOOLEAN;
            case 'n' -> Kind.NULL;
            default -> isLong(text, start, end) ? Kind.WHOLE : Kind.NUMBER;
        };
    }

    /** Whether a JSON number (no leading zeros, by the grammar) is whole and within a long's range. */
    private static boolean isLong(String text, int start, int end) {
        boolean negative = text.charAt(start) == '-';
        int digits = negative ? start + 1 : start;
        for (int i = digits; i < end; i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        int count = end - digits;
        String limit = negative ? LONG_MIN_DIGITS : LONG_MAX;
        if (count != limit.length()) {
            return count < limit.length();
        }
        for (int i = 0; i < count; i++) {
            int difference = text.charAt(digits + i) - limit.charAt(i);
            if (difference != 0) {
                return difference < 0;
            }
        }
        return true;
    }
}
