package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sink stores a string value as it is only when it is one whole JSON object or array. The check must answer
 * as a strict JSON parser would: here, Jackson with its defaults, on hand-picked texts and on 30,000 generated ones
 * (valid documents and mutations of them).
 */
class JsonTextTest {

    private static final JsonFactory STRICT = new JsonFactory();

    @Test
    void acceptsWholeObjectsAndArraysOnly() {
        assertThat(JsonText.isObjectOrArray("{\"a\":1}")).isTrue();
        assertThat(JsonText.isObjectOrArray(" \n\t[1, -2.5e+3, \"x\\u00e9\\n\", true, false, null, {}, []] \r\n")).isTrue();
        assertThat(JsonText.isObjectOrArray("{}")).isTrue();
        assertThat(JsonText.isObjectOrArray("\"just a string\"")).isFalse();
        assertThat(JsonText.isObjectOrArray("42")).isFalse();
        assertThat(JsonText.isObjectOrArray("[WARN] disk full")).isFalse();
        assertThat(JsonText.isObjectOrArray("{\"a\":1} trailing")).isFalse();
        assertThat(JsonText.isObjectOrArray("{\"a\":1}{\"b\":2}")).isFalse();
        assertThat(JsonText.isObjectOrArray("{\"a\":01}")).isFalse();
        assertThat(JsonText.isObjectOrArray("{'a':1}")).isFalse();
        assertThat(JsonText.isObjectOrArray("{\"a\":NaN}")).isFalse();
        assertThat(JsonText.isObjectOrArray("[1,]")).isFalse();
        assertThat(JsonText.isObjectOrArray("{\"a\":\"tab\there\"}")).isFalse();
        assertThat(JsonText.isObjectOrArray("")).isFalse();
        assertThat(JsonText.isObjectOrArray("   ")).isFalse();
    }

    @Test
    void answersAsJacksonDoesOnHandPickedTexts() {
        String[] texts = {"{\"a\":1}", "[]", "[1,2", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[-]", "[-0]", "[0.]",
            "[.5]", "[1e]", "[1E+]", "[1e-7]", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12ab\"]", "[tru]", "[truex]",
            "[nul]", "{\"a\":[{}]}", "[[[[]]]]", "[[[[]]]", "{\"a\":1}}", "[\"\\\"\"]", "[\"\\/\"]", "{\"\":0}",
            "[1 2]", "[1,,2]", "{,}", "[\"a\"\"b\"]", "[-01]", "[2.50]", "[1.5E3]", "{\"k\":\"v\" }",
            "\uFEFF{}", "{}\u0000", "[\"\u007f\"]", "[\"\u0001\"]", "[1]\n", "\n[1]", "[ ]", "{ }"};
        for (String text : texts) {
            assertThat(JsonText.isObjectOrArray(text)).as(text).isEqualTo(jackson(text));
        }
    }

    @Test
    void answersAsJacksonDoesOnGeneratedTexts() {
        Random random = new Random(18);
        for (int i = 0; i < 30_000; i++) {
            String document = (random.nextBoolean() ? object(random, 0) : array(random, 0));
            String text = random.nextInt(3) == 0 ? document : mutate(document, random);
            assertThat(JsonText.isObjectOrArray(text)).as(text).isEqualTo(jackson(text));
        }
    }

    private static boolean jackson(String text) {
        String start = text.stripLeading();
        if (!start.startsWith("{") && !start.startsWith("[")) {
            return false;
        }
        try (JsonParser parser = STRICT.createParser(text)) {
            parser.nextToken();
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    static String mutate(String document, Random random) {
        StringBuilder text = new StringBuilder(document);
        int edits = 1 + random.nextInt(2);
        String pieces = "{}[]\",:\\ -+.eE0123456789tfnu\t\n\u0001x'";
        for (int e = 0; e < edits && text.length() > 0; e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, pieces.charAt(random.nextInt(pieces.length())));
                default -> text.setCharAt(at, pieces.charAt(random.nextInt(pieces.length())));
            }
        }
        return text.toString();
    }

    private static String value(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> string(random);
            case 1 -> number(random);
            case 2 -> "true";
            case 3 -> "false";
            case 4 -> "null";
            case 5 -> string(random);
            case 6 -> object(random, depth + 1);
            default -> array(random, depth + 1);
        };
    }

    static String object(Random random, int depth) {
        StringBuilder text = new StringBuilder("{");
        int fields = random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            text.append(i > 0 ? "," : "").append(space(random)).append(string(random)).append(space(random))
                    .append(':').append(space(random)).append(value(random, depth)).append(space(random));
        }
        return text.append('}').toString();
    }

    private static String array(Random random, int depth) {
        StringBuilder text = new StringBuilder("[");
        int items = random.nextInt(4);
        for (int i = 0; i < items; i++) {
            text.append(i > 0 ? "," : "").append(space(random)).append(value(random, depth)).append(space(random));
        }
        return text.append(']').toString();
    }

    private static String string(Random random) {
        String[] pieces = {"a", "Z", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\uD83D\\uDE00", "é", "7"};
        StringBuilder text = new StringBuilder("\"");
        for (int i = random.nextInt(4); i > 0; i--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.append('"').toString();
    }

    private static String number(Random random) {
        StringBuilder text = new StringBuilder();
        if (random.nextBoolean()) {
            text.append('-');
        }
        text.append(random.nextInt(4) == 0 ? "0" : String.valueOf(1 + random.nextInt(99999)));
        if (random.nextBoolean()) {
            text.append('.').append(random.nextInt(1000));
        }
        if (random.nextInt(3) == 0) {
            text.append(random.nextBoolean() ? 'e' : 'E').append(random.nextBoolean() ? "+" : random.nextBoolean() ? "-" : "")
                    .append(random.nextInt(30));
        }
        return text.toString();
    }

    private static String space(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n";
            default -> "";
        };
    }
}
