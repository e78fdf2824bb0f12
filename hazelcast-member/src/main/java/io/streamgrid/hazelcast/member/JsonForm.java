package io.streamgrid.hazelcast.member;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.internal.json.Json;
import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.internal.json.JsonValue;
import com.hazelcast.internal.json.ParseException;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Device state as JSON objects, stored as strings or, with {@code jsonValue = true}, as HazelcastJsonValue. A document
 * is the text of one JSON object, as a record or a fold gave it, until a merge needs it parsed: then Hazelcast's own
 * JSON objects ({@code com.hazelcast.internal.json}, which its JSON queries use and every member has: this module may
 * depend on nothing but Hazelcast). A document stored without a merge is its text as it is (as the plain IMAP sink
 * stores it); a merged one is written compactly, numbers as they were written. A merge replaces top-level fields, so
 * the field order is the stored one, new fields last.
 */
public final class JsonForm implements StateForm {

    private final boolean jsonValue;
    private final Function<List<String>, String> textFold;

    public JsonForm(boolean jsonValue) {
        this(jsonValue, null);
    }

    private JsonForm(boolean jsonValue, Function<List<String>, String> textFold) {
        this.jsonValue = jsonValue;
        this.textFold = textFold;
    }

    /**
     * The same form folding updates that are all text with {@code textFold} instead of parsing each: the task's
     * scan of top-level members, which must give the object {@link #fold} gives (each member where it first
     * appears, with its last value). The members, whose module depends on Hazelcast alone, parse.
     */
    public JsonForm withTextFold(Function<List<String>, String> textFold) {
        return new JsonForm(jsonValue, textFold);
    }

    boolean jsonValue() {
        return jsonValue;
    }

    /** A JSON text that is valid JSON but not one object. */
    public static final class NotAnObjectException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        NotAnObjectException(String text) {
            super("not a JSON object: " + abbreviate(text));
        }
    }

    /**
     * The object a JSON text holds.
     *
     * @throws NotAnObjectException     for JSON that is not an object
     * @throws IllegalArgumentException for text that is not JSON, saying where it fails
     */
    public static JsonObject parseObject(String text) {
        JsonValue value;
        try {
            value = Json.parse(text);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!value.isObject()) {
            throw new NotAnObjectException(text);
        }
        return value.asObject();
    }

    @Override
    public Object fromStored(Object stored, Object key) {
        String text;
        if (stored instanceof String s) {
            text = s;
        } else if (stored instanceof HazelcastJsonValue value) {
            text = value.getValue();
        } else {
            throw new IllegalArgumentException("the stored value of key '" + key + "' is a "
                    + stored.getClass().getSimpleName() + ", not JSON: something else writes this map");
        }
        try {
            return parseObject(text);
        } catch (NotAnObjectException e) {
            throw new IllegalArgumentException("the stored value of key '" + key + "' is not a JSON object: "
                    + abbreviate(text), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored value of key '" + key + "' is not JSON: "
                    + abbreviate(text), e);
        }
    }

    @Override
    public Object toStored(Object document) {
        String text = document.toString();
        return jsonValue ? new HazelcastJsonValue(text) : text;
    }

    /** A document as an object: parsed when it is still text (text a record or a fold made: an object's). */
    private static JsonObject object(Object document) {
        return document instanceof JsonObject object ? object : parseObject((String) document);
    }

    @Override
    public Object merge(Object stored, Object update) {
        return new JsonObject(object(stored)).merge(object(update));
    }

    @Override
    public BigDecimal version(Object document, String field, Supplier<String> where) {
        JsonValue value = object(document).get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return Versions.ofNumber(value.toString(), where);
        }
        if (value.isString()) {
            return Versions.of(value.asString(), where);
        }
        throw new IllegalArgumentException(where.get() + " is " + value + ", not a number, a timestamp or an ISO-8601 "
                + "string");
    }

    @Override
    public Object fold(List<Object> updates) {
        if (textFold != null && allText(updates)) {
            List<String> texts = new ArrayList<>(updates.size());
            for (Object update : updates) {
                texts.add((String) update);
            }
            return textFold.apply(texts);
        }
        JsonObject folded = new JsonObject();
        for (Object update : updates) {
            folded.merge(object(update));
        }
        return folded;
    }

    private static boolean allText(List<Object> updates) {
        for (Object update : updates) {
            if (!(update instanceof String)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void encodeDocument(ObjectDataOutput out, Object document) throws IOException {
        out.writeString(document.toString());
    }

    @Override
    public Object decodeDocument(ObjectDataInput in) throws IOException {
        return in.readString(); // the text, parsed if a merge needs it
    }

    /** The text itself, or its start when longer than 80 characters, for error messages. */
    public static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
