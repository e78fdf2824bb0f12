package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgrid.common.format.JsonMembers.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The members JsonMembers tells are the ones Jackson reads, with the same kinds, on hand-picked and generated texts. */
class JsonMembersTest {

    private static final JsonFactory STRICT = new JsonFactory();

    private record Member(String name, Kind kind) {
    }

    /** The members told, or null when the text is not one JSON object. */
    private static List<Member> members(String text) {
        List<Member> members = new ArrayList<>();
        boolean object = JsonMembers.visit(text, (t, start, end, kind) ->
                members.add(new Member(JsonMembers.name(t, start, end), kind)));
        return object ? members : null;
    }

    @Test
    void tellsEachTopLevelMemberWithItsKind() {
        String text = " {\"a\":1, \"b\\u0041\\\"\" : \"x\",\"c\":21.5,\"d\":true,\"e\":null,\"f\":{\"x\":1,\"y\":[2]},"
                + "\"g\":[1,{}],\"h\":9223372036854775807,\"i\":9223372036854775808,\"j\":-9223372036854775808,"
                + "\"k\":-9223372036854775809,\"l\":1e3,\"m\":0,\"n\":-0,\"o\":12345678901234567890123,\"\":false}\n";
        assertThat(members(text)).containsExactly(new Member("a", Kind.WHOLE), new Member("bA\"", Kind.STRING),
                new Member("c", Kind.NUMBER), new Member("d", Kind.BOOLEAN), new Member("e", Kind.NULL),
                new Member("f", Kind.OBJECT), new Member("g", Kind.ARRAY), new Member("h", Kind.WHOLE),
                new Member("i", Kind.NUMBER), new Member("j", Kind.WHOLE), new Member("k", Kind.NUMBER),
                new Member("l", Kind.NUMBER), new Member("m", Kind.WHOLE), new Member("n", Kind.WHOLE),
                new Member("o", Kind.NUMBER), new Member("", Kind.BOOLEAN));
        assertThat(members("{}")).isEmpty();
        assertThat(members("[{\"a\":1}]")).as("an array is not an object").isNull();
        assertThat(members("{\"a\":1} {}")).isNull();
        assertThat(members("\"{}\"")).isNull();
    }

    @Test
    void tellsWhereEachValueLies() {
        String text = "{\"a\": \"x\\\"y\", \"b\":[1, 2] ,\"c\":-1.5e2}";
        List<String> values = new ArrayList<>();
        assertThat(JsonMembers.visit(text, new JsonMembers.Visitor() {
            @Override
            public void member(String t, int nameStart, int nameEnd, Kind kind) {
                throw new AssertionError("the scan tells the value's range");
            }

            @Override
            public void member(String t, int nameStart, int nameEnd, Kind kind, int valueStart, int valueEnd) {
                values.add(JsonMembers.name(t, nameStart, nameEnd) + "=" + t.substring(valueStart, valueEnd));
            }
        })).isTrue();
        assertThat(values).containsExactly("a=\"x\\\"y\"", "b=[1, 2]", "c=-1.5e2");
        assertThat(JsonMembers.name(text, text.indexOf('x'), text.indexOf("y\"") + 1)).as("a string value decoded")
                .isEqualTo("x\"y");
    }

    @Test
    void answersAsJacksonDoesOnGeneratedTexts() {
        Random random = new Random(26);
        for (int i = 0; i < 30_000; i++) {
            String document = JsonTextTest.object(random, 0);
            String text = random.nextInt(3) == 0 ? document : JsonTextTest.mutate(document, random);
            assertThat(members(text)).as(text).isEqualTo(jackson(text));
        }
    }

    private static List<Member> jackson(String text) {
        List<Member> members = new ArrayList<>();
        try (JsonParser parser = STRICT.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                members.add(new Member(name, kind(parser, parser.nextToken())));
                parser.skipChildren();
            }
            return parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null ? members : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Kind kind(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> Kind.STRING;
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Kind.NUMBER
                    : Kind.WHOLE;
            case VALUE_NUMBER_FLOAT -> Kind.NUMBER;
            case VALUE_TRUE, VALUE_FALSE -> Kind.BOOLEAN;
            case VALUE_NULL -> Kind.NULL;
            case START_OBJECT -> Kind.OBJECT;
            case START_ARRAY -> Kind.ARRAY;
            default -> throw new IOException("unexpected " + token);
        };
    }
}
