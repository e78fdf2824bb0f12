package io.streamgrid.mqtt.converter;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The converter WITHCONVERTER names: a short name ({@code bytes}, {@code string}, {@code json},
 * {@code json-schema}, {@code avro}, {@code sparkplug}, {@code cbor}, {@code senml}), one of our class names, stream-reactor's converter class names (mapped
 * to ours), or the class name of a user's {@link PayloadConverter}.
 */
public final class PayloadConverters {

    public static final String DEFAULT = "bytes";

    private static final Map<String, Supplier<PayloadConverter>> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("bytes", BytesPayloadConverter::new);
        BUILT_IN.put("string", StringPayloadConverter::new);
        BUILT_IN.put("json", JsonPayloadConverter::new);
        BUILT_IN.put("json-schema", JsonSchemaPayloadConverter::new);
        BUILT_IN.put("avro", AvroPayloadConverter::new);
        BUILT_IN.put("sparkplug", io.streamgrid.mqtt.sparkplug.SparkplugConverter::new);
        BUILT_IN.put("cbor", CborPayloadConverter::new);
        BUILT_IN.put("senml", SenmlPayloadConverter::new);
        for (String name : new String[] {"bytes", "string", "json", "json-schema", "avro", "sparkplug", "cbor",
                "senml"}) {
            Supplier<PayloadConverter> supplier = BUILT_IN.get(name);
            BUILT_IN.put(supplier.get().getClass().getName().toLowerCase(Locale.ROOT), supplier);
        }
        for (String prefix : new String[] {"io.lenses.streamreactor.connect.converters.source.",
                "com.datamountaineer.streamreactor.connect.converters.source."}) {
            BUILT_IN.put((prefix + "BytesConverter").toLowerCase(Locale.ROOT), BytesPayloadConverter::new);
            BUILT_IN.put((prefix + "JsonSimpleConverter").toLowerCase(Locale.ROOT), JsonPayloadConverter::new);
            BUILT_IN.put((prefix + "JsonConverterWithSchemaEvolution").toLowerCase(Locale.ROOT), JsonPayloadConverter::new);
            BUILT_IN.put((prefix + "JsonPassThroughConverter").toLowerCase(Locale.ROOT), StringPayloadConverter::new);
            BUILT_IN.put((prefix + "AvroConverter").toLowerCase(Locale.ROOT), AvroPayloadConverter::new);
        }
    }

    private PayloadConverters() {
    }

    /**
     * A configured converter; an unknown name, a class that is not a PayloadConverter, or bad properties are
     * an {@code IllegalArgumentException} saying which.
     */
    public static PayloadConverter create(String name, Map<String, String> properties) {
        Supplier<PayloadConverter> builtIn = BUILT_IN.get(name.trim().toLowerCase(Locale.ROOT));
        PayloadConverter converter = builtIn != null ? builtIn.get() : load(name.trim());
        converter.configure(properties);
        return converter;
    }

    private static PayloadConverter load(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, PayloadConverters.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown converter '" + className + "': use bytes, string, json, "
                    + "json-schema, avro, sparkplug, cbor, senml, or the class name of a " + PayloadConverter.class.getName()
                    + " on the plugin's class path");
        }
        if (!PayloadConverter.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("converter class " + className + " does not implement "
                    + PayloadConverter.class.getName());
        }
        try {
            return (PayloadConverter) type.getConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException e) {
            throw new IllegalArgumentException("cannot create converter " + className
                    + " (it needs a public no-argument constructor): " + e, e);
        }
    }
}
