package io.streamgrid.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line of the docs into words as a POSIX shell would, for the forms the docs use: bare words,
 * 'single quotes' and "double quotes". A backtick or $ inside double quotes is refused: a shell would run or
 * substitute it, so a command that shows one there would not do what the docs say.
 */
final class ShellWords {

    private ShellWords() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("no closing ' in: " + line);
                }
                word.append(line, i + 1, close);
                i = close + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word);
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends a "double-quoted" part that starts at {@code from}; returns the index after its closing quote. */
    private static int doubleQuoted(String line, int from, StringBuilder word) {
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                word.append(line.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '`' || c == '$') {
                throw new IllegalArgumentException("a shell substitutes " + c + " inside double quotes; quote the "
                        + "statement with single quotes: " + line);
            }
            word.append(c);
            i++;
        }
        throw new IllegalArgumentException("no closing \" in: " + line);
    }
}
