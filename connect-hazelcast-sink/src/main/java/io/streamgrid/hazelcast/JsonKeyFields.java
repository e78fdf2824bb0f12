package io.streamgrid.hazelcast;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;

/**
 * Reads the PK fields of a JSON object text without building the whole object: the sink keys every record of an
 * IMAP and parsing the full value took half of the task's time. Values come out as the full parse gives them
 * (strings, Long, Double, Boolean; the last of duplicate names wins). Anything else, a missing or null
 * field, a nested value or bad JSON, returns null so the caller takes the full path and its precise errors.
 */
final class JsonKeyFields {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final List<String> names;

    /** {@code names}: top-level field names. */
    JsonKeyFields(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** The fields' values in the order of the names, or null when the full parse must decide. */
    Object[] read(Object value) {
        try (JsonParser parser = value instanceof String text ? FACTORY.createParser(text)
                : value instanceof byte[] bytes ? FACTORY.createParser(bytes) : null) {
            if (parser == null || parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Object[] found = new Object[names.size()];
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                int at = names.indexOf(parser.currentName());
                JsonToken valueToken = parser.nextToken();
                if (at < 0) {
                    parser.skipChildren();
                    continue;
                }
                found[at] = scalar(parser, valueToken); // null for nested or null values: full path decides
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
            for (Object part : found) {
                if (part == null) {
                    return null;
                }
            }
            return found;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? null : (Object) parser.getLongValue(); // the full parse refuses integers beyond long
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> {
                parser.skipChildren();
                yield null;
            }
        };
    }
}
