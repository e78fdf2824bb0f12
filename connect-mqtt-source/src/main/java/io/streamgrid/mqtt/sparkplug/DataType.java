package io.streamgrid.mqtt.sparkplug;

/**
 * Sparkplug B metric datatypes (the DataType enum of {@code sparkplug_b.proto}) and how each one's value is
 * carried: signed and small unsigned integers in {@code int_value}, 64-bit ones and DateTime in
 * {@code long_value}, arrays as {@code bytes_value}. Datasets, templates and property sets are not modelled.
 */
public enum DataType {
    UNKNOWN(0, Kind.NONE), INT8(1, Kind.INT), INT16(2, Kind.INT), INT32(3, Kind.INT), INT64(4, Kind.LONG),
    UINT8(5, Kind.INT), UINT16(6, Kind.INT), UINT32(7, Kind.LONG), UINT64(8, Kind.LONG), FLOAT(9, Kind.FLOAT),
    DOUBLE(10, Kind.DOUBLE), BOOLEAN(11, Kind.BOOLEAN), STRING(12, Kind.STRING), DATETIME(13, Kind.LONG),
    TEXT(14, Kind.STRING), UUID(15, Kind.STRING), DATASET(16, Kind.NONE), BYTES(17, Kind.BYTES),
    FILE(18, Kind.BYTES), TEMPLATE(19, Kind.NONE), PROPERTY_SET(20, Kind.NONE), PROPERTY_SET_LIST(21, Kind.NONE),
    INT8_ARRAY(22, Kind.BYTES), INT16_ARRAY(23, Kind.BYTES), INT32_ARRAY(24, Kind.BYTES),
    INT64_ARRAY(25, Kind.BYTES), UINT8_ARRAY(26, Kind.BYTES), UINT16_ARRAY(27, Kind.BYTES),
    UINT32_ARRAY(28, Kind.BYTES), UINT64_ARRAY(29, Kind.BYTES), FLOAT_ARRAY(30, Kind.BYTES),
    DOUBLE_ARRAY(31, Kind.BYTES), BOOLEAN_ARRAY(32, Kind.BYTES), STRING_ARRAY(33, Kind.BYTES),
    DATETIME_ARRAY(34, Kind.BYTES);

    /** Which typed record field holds a value of the type. */
    public enum Kind { INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES, NONE }

    private final int code;
    private final Kind kind;

    DataType(int code, Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    public static DataType of(int code) {
        for (DataType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return UNKNOWN;
    }

    /**
     * The Java value of a metric's raw wire value: Integer, Long, Float, Double, Boolean, String or byte[]. A value
     * in a field its datatype does not use is a DataException.
     */
    Object valueOf(Object raw) {
        if (raw == null) {
            return null;
        }
        boolean fits = switch (kind) {
            case INT, LONG -> raw instanceof Long;
            case FLOAT -> raw instanceof Float;
            case DOUBLE -> raw instanceof Double;
            case BOOLEAN -> raw instanceof Boolean;
            case STRING -> raw instanceof String;
            case BYTES -> raw instanceof byte[];
            case NONE -> true;
        };
        if (!fits) {
            throw new org.apache.kafka.connect.errors.DataException("a Sparkplug " + name() + " metric carries a "
                    + raw.getClass().getSimpleName() + " value, which its datatype does not use");
        }
        long number = raw instanceof Long l ? l : 0;
        return switch (kind) {
            case INT -> switch (this) {
                case INT8 -> (int) (byte) number;
                case INT16 -> (int) (short) number;
                default -> (int) number;
            };
            case LONG -> this == UINT32 ? number & 0xFFFFFFFFL : number;
            case FLOAT, DOUBLE, BOOLEAN, STRING, BYTES -> raw;
            case NONE -> null;
        };
    }
}
