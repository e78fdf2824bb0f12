package io.streamgrid.mqtt.sparkplug;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.DataException;

/**
 * A Sparkplug B payload, read from and written to the protobuf wire format of Eclipse Tahu's
 * {@code sparkplug_b.proto} (message Payload: timestamp 1, metrics 2, seq 3, uuid 4, body 5; message Metric:
 * name 1, alias 2, timestamp 3, datatype 4, is_historical 5, is_transient 6, is_null 7, metadata 8,
 * properties 9, int_value 10, long_value 11, float_value 12, double_value 13, boolean_value 14, string_value 15,
 * bytes_value 16, dataset_value 17, template_value 18, extension_value 19). Read directly, so the plugin ships no
 * protobuf runtime; fields we do not model (metadata, properties, datasets, templates) are skipped.
 */
public record SparkplugPayload(Long timestamp, List<Metric> metrics, Long seq, String uuid) {

    /**
     * One metric; {@code value} is typed by {@link DataType#valueOf(Object)}, null when absent, unsupported, or
     * when the metric names no datatype (DATA messages may leave it out): then {@code raw} is the value as the
     * wire held it and {@code wireField} the field that held it, for {@link #typed} to type later.
     */
    public record Metric(String name, Long alias, Long timestamp, DataType datatype, boolean historical,
                         boolean transientValue, boolean isNull, Object value, Object raw, int wireField) {

        public Metric(String name, Long alias, Long timestamp, DataType datatype, boolean historical,
                      boolean transientValue, boolean isNull, Object value) {
            this(name, alias, timestamp, datatype, historical, transientValue, isNull, value, value, 0);
        }

        /** This metric with a datatype it did not name: its BIRTH's, or else the one its wire field implies. */
        public Metric typed(DataType known) {
            if (datatype != DataType.UNKNOWN || raw == null) {
                return this;
            }
            DataType type = known != null && known != DataType.UNKNOWN ? known : switch (wireField) {
                case 10 -> DataType.INT32;
                case 11 -> DataType.INT64;
                case 12 -> DataType.FLOAT;
                case 13 -> DataType.DOUBLE;
                case 14 -> DataType.BOOLEAN;
                case 15 -> DataType.STRING;
                case 16 -> DataType.BYTES;
                default -> DataType.UNKNOWN;
            };
            return new Metric(name, alias, timestamp, type, historical, transientValue, isNull,
                    isNull ? null : type.valueOf(raw), raw, wireField);
        }
    }

    public SparkplugPayload {
        metrics = List.copyOf(metrics);
    }

    /** Reads a payload; bytes that are not one are a DataException. */
    public static SparkplugPayload decode(byte[] bytes) {
        try {
            Reader in = new Reader(bytes, 0, bytes.length);
            Long timestamp = null;
            Long seq = null;
            String uuid = null;
            List<Metric> metrics = new ArrayList<>();
            while (in.more()) {
                long tag = in.varint();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                switch (field) {
                    case 1 -> timestamp = in.varint();
                    case 2 -> metrics.add(metric(in.nested()));
                    case 3 -> seq = in.varint();
                    case 4 -> uuid = in.string();
                    default -> in.skip(wire);
                }
            }
            return new SparkplugPayload(timestamp, metrics, seq, uuid);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw new DataException("not a Sparkplug B payload: " + e.getMessage());
        }
    }

    private static Metric metric(Reader in) {
        String name = null;
        Long alias = null;
        Long timestamp = null;
        int datatype = 0;
        boolean historical = false;
        boolean transientValue = false;
        boolean isNull = false;
        Object raw = null;
        int wireField = 0;
        while (in.more()) {
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> name = in.string();
                case 2 -> alias = in.varint();
                case 3 -> timestamp = in.varint();
                case 4 -> datatype = (int) in.varint();
                case 5 -> historical = in.varint() != 0;
                case 6 -> transientValue = in.varint() != 0;
                case 7 -> isNull = in.varint() != 0;
                case 10, 11 -> {
                    raw = in.varint();
                    wireField = field;
                }
                case 12 -> {
                    raw = Float.intBitsToFloat(in.fixed32());
                    wireField = field;
                }
                case 13 -> {
                    raw = Double.longBitsToDouble(in.fixed64());
                    wireField = field;
                }
                case 14 -> {
                    raw = in.varint() != 0;
                    wireField = field;
                }
                case 15 -> {
                    raw = in.string();
                    wireField = field;
                }
                case 16 -> {
                    raw = in.bytes();
                    wireField = field;
                }
                default -> in.skip(wire);
            }
        }
        DataType type = DataType.of(datatype);
        return new Metric(name, alias, timestamp, type, historical, transientValue, isNull,
                isNull ? null : type.valueOf(raw), raw, wireField);
    }

    /** The wire form of this payload; metric values are written as their datatype says. */
    public byte[] encode() {
        Writer out = new Writer();
        if (timestamp != null) {
            out.varintField(1, timestamp);
        }
        for (Metric metric : metrics) {
            Writer m = new Writer();
            if (metric.name() != null) {
                m.bytesField(1, metric.name().getBytes(StandardCharsets.UTF_8));
            }
            if (metric.alias() != null) {
                m.varintField(2, metric.alias());
            }
            if (metric.timestamp() != null) {
                m.varintField(3, metric.timestamp());
            }
            m.varintField(4, metric.datatype().code());
            if (metric.value() instanceof Boolean b) {
                m.varintField(14, b ? 1 : 0);
            } else if (metric.value() instanceof String s) {
                m.bytesField(15, s.getBytes(StandardCharsets.UTF_8));
            } else if (metric.value() instanceof Long l) {
                m.varintField(11, l);
            } else if (metric.value() instanceof Integer i) {
                m.varintField(10, i & 0xFFFFFFFFL);
            }
            out.bytesField(2, m.toByteArray());
        }
        if (seq != null) {
            out.varintField(3, seq);
        }
        return out.toByteArray();
    }

    /** A bounded view of the bytes of one message. */
    private static final class Reader {
        private final byte[] bytes;
        private int position;
        private final int end;

        Reader(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean more() {
            return position < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalStateException("a varint longer than 10 bytes at " + position);
        }

        int fixed32() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                value |= (next() & 0xFF) << (8 * i);
            }
            return value;
        }

        long fixed64() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value |= (long) (next() & 0xFF) << (8 * i);
            }
            return value;
        }

        byte[] bytes() {
            int length = length();
            byte[] out = java.util.Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Reader nested() {
            int length = length();
            Reader nested = new Reader(bytes, position, position + length);
            position += length;
            return nested;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> position += 8;
                case 2 -> position += length();
                case 5 -> position += 4;
                default -> throw new IllegalStateException("wire type " + wire + " at " + position);
            }
            if (position > end) {
                throw new IllegalStateException("a field runs past the end of its message");
            }
        }

        private int length() {
            long length = varint();
            if (length < 0 || position + length > end) {
                throw new IllegalStateException("a length of " + length + " runs past the end at " + position);
            }
            return (int) length;
        }

        private byte next() {
            if (position >= end) {
                throw new IllegalStateException("the message ends inside a field");
            }
            return bytes[position++];
        }
    }

    /** Builds the wire form. */
    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varintField(int field, long value) {
            varint((long) field << 3);
            varint(value);
        }

        void bytesField(int field, byte[] value) {
            varint(((long) field << 3) | 2);
            varint(value.length);
            out.write(value, 0, value.length);
        }

        private void varint(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
