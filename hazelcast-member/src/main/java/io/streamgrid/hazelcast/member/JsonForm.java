package io.streamgrid.hazelcast.member;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.internal.json.Json;
import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.internal.json.JsonValue;
import com.hazelcast.internal.json.ParseException;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Supplier;

/**
 * Device state as JSON objects, stored as strings or, with {@code jsonValue = true}, as HazelcastJsonValue. Documents
 * are Hazelcast's own JSON objects ({@code com.hazelcast.internal.json}, which its JSON queries use and every member
 * has): this module may depend on nothing but Hazelcast. Numbers keep the text they were written with; a merge
 * replaces top-level fields, so the field order is the stored one, new fields last.
 */
public final class JsonForm implements StateForm {

    private final boolean jsonValue;

    public JsonForm(boolean jsonValue) {
        this.jsonValue = jsonValue;
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

    @Override
    public Object merge(Object stored, Object update) {
        return new JsonObject((JsonObject) stored).merge((JsonObject) update);
    }

    @Override
    public BigDecimal version(Object document, String field, Supplier<String> where) {
        JsonValue value = ((JsonObject) document).get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return new BigDecimal(value.toString());
        }
        if (value.isString()) {
            return Versions.of(value.asString(), where);
        }
        throw new IllegalArgumentException(where.get() + " is " + value + ", not a number, a timestamp or an ISO-8601 "
                + "string");
    }

    @Override
    public Object fold(List<Object> updates) {
        JsonObject folded = new JsonObject();
        for (Object update : updates) {
            folded.merge((JsonObject) update);
        }
        return folded;
    }

    @Override
    public Object toWire(Object document) {
        return document.toString();
    }

    @Override
    public Object fromWire(Object wire) {
        return parseObject((String) wire);
    }

    /** The text itself, or its start when longer than 80 characters, for error messages. */
    public static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
