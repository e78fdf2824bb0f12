package io.streamgrid.common.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * SenML packs (RFC 8428) as resolved records: base name, time, unit, value and sum applied to each record they reach,
 * relative times made absolute, the records in time order (a stable sort, so a pack's order stands among equal
 * times). SenML JSON (content format 110) and SenML CBOR (112, integer labels) give the same records. A pack that
 * breaks the RFC's rules (a record without a name, a name with characters it does not allow, a record without a
 * value or sum, more than one value, a version above 10, a label ending in '_' that is not understood) is a
 * DataException naming the record.
 */
public final class Senml {

    /** CoAP's content formats of application/senml+json and application/senml+cbor. */
    public static final int JSON_CONTENT_FORMAT = 110;
    public static final int CBOR_CONTENT_FORMAT = 112;

    /** A resolved record: its name (the record key), unit, time (seconds since 1970) and typed value or sum. */
    public static final Schema RECORD_SCHEMA = SchemaBuilder.struct().name("io.streamgrid.SenmlRecord")
            .doc("A resolved SenML record (RFC 8428)")
            .field("n", Schema.STRING_SCHEMA)
            .field("u", Schema.OPTIONAL_STRING_SCHEMA)
            .field("t", Schema.FLOAT64_SCHEMA)
            .field("v", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("vs", Schema.OPTIONAL_STRING_SCHEMA)
            .field("vb", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("vd", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("s", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("ut", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .build();

    /** Times below 2^28 s are relative to now (RFC 8428 4.5.3). */
    private static final double RELATIVE_BELOW = 268_435_456d;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-:./_]*");
    /** SenML CBOR's integer labels (RFC 8428 table 6) and their names. */
    private static final Map<String, String> CBOR_LABELS = Map.ofEntries(Map.entry("-1", "bver"),
            Map.entry("-2", "bn"), Map.entry("-3", "bt"), Map.entry("-4", "bu"), Map.entry("-5", "bv"),
            Map.entry("-6", "bs"), Map.entry("0", "n"), Map.entry("1", "u"), Map.entry("2", "v"),
            Map.entry("3", "vs"), Map.entry("4", "vb"), Map.entry("5", "s"), Map.entry("6", "t"), Map.entry("7", "ut"),
            Map.entry("8", "vd"), Map.entry("9", "l"));
    private static final List<String> KNOWN = List.of("bver", "bn", "bt", "bu", "bv", "bs", "n", "u", "v", "vs", "vb",
            "s", "t", "ut", "vd", "l");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Senml() {
    }

    /** The records of a SenML pack in {@code payload}, CBOR when {@code cbor}, else JSON; {@code nowMs} resolves relative times. */
    public static List<Struct> records(byte[] payload, boolean cbor, long nowMs) {
        JsonNode pack;
        if (cbor) {
            pack = CborDocuments.read(payload);
        } else {
            try {
                pack = JSON.readTree(payload);
            } catch (IOException e) {
                throw new DataException("The SenML pack is not JSON: " + e.getMessage(), e);
            }
        }
        return resolve(pack, cbor, nowMs);
    }

    /** Whether a content format is SenML CBOR (else SenML JSON is assumed). */
    public static boolean isCbor(Integer contentFormat) {
        return contentFormat != null && contentFormat == CBOR_CONTENT_FORMAT;
    }

    private static List<Struct> resolve(JsonNode pack, boolean cbor, long nowMs) {
        if (pack == null || !pack.isArray()) {
            throw new DataException("A SenML pack is an array of records; this payload is "
                    + (pack == null ? "empty" : "a " + pack.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        String baseName = "";
        double baseTime = 0;
        String baseUnit = null;
        Double baseValue = null;
        Double baseSum = null;
        double now = nowMs / 1000d;
        List<Struct> records = new ArrayList<>(pack.size());
        for (int i = 0; i < pack.size(); i++) {
            JsonNode record = pack.get(i);
            String where = "SenML record " + (i + 1) + " of " + pack.size();
            if (!record.isObject()) {
                throw new DataException(where + " is not a map of labels");
            }
            Labels labels = new Labels(record, cbor, where);
            if (labels.has("bver") && labels.number("bver") > 10) {
                throw new DataException(where + " is SenML version " + labels.number("bver") + "; this reader "
                        + "knows version 10");
            }
            if (labels.has("bn")) {
                baseName = labels.text("bn");
            }
            if (labels.has("bt")) {
                baseTime = labels.number("bt");
            }
            if (labels.has("bu")) {
                baseUnit = labels.text("bu");
            }
            if (labels.has("bv")) {
                baseValue = labels.number("bv");
            }
            if (labels.has("bs")) {
                baseSum = labels.number("bs");
            }
            String name = baseName + (labels.has("n") ? labels.text("n") : "");
            if (!NAME.matcher(name).matches()) {
                throw new DataException(where + " has the name '" + name + "': a SenML name starts with a letter or "
                        + "digit and holds letters, digits, '-', ':', '.', '/' and '_' only");
            }
            int values = (labels.has("v") ? 1 : 0) + (labels.has("vs") ? 1 : 0) + (labels.has("vb") ? 1 : 0)
                    + (labels.has("vd") ? 1 : 0);
            if (values > 1) {
                throw new DataException(where + " (" + name + ") has more than one value");
            }
            Double value = labels.has("v") || (values == 0 && baseValue != null)
                    ? (baseValue == null ? 0 : baseValue) + (labels.has("v") ? labels.number("v") : 0) : null;
            Double sum = labels.has("s") || baseSum != null
                    ? (baseSum == null ? 0 : baseSum) + (labels.has("s") ? labels.number("s") : 0) : null;
            if (value == null && values == 0 && sum == null) {
                throw new DataException(where + " (" + name + ") has neither a value nor a sum");
            }
            double time = baseTime + (labels.has("t") ? labels.number("t") : 0);
            Struct out = new Struct(RECORD_SCHEMA)
                    .put("n", name)
                    .put("u", labels.has("u") ? labels.text("u") : baseUnit)
                    .put("t", time < RELATIVE_BELOW ? now + time : time)
                    .put("v", value)
                    .put("vs", labels.has("vs") ? labels.text("vs") : null)
                    .put("vb", labels.has("vb") ? labels.bool("vb") : null)
                    .put("vd", labels.has("vd") ? labels.data("vd") : null)
                    .put("s", sum)
                    .put("ut", labels.has("ut") ? labels.number("ut") : null);
            records.add(out);
        }
        records.sort(Comparator.comparingDouble(r -> r.getFloat64("t")));
        return records;
    }

    /** One record's labels by their JSON names, whichever representation they came in; each typed on reading. */
    private static final class Labels {
        private final Map<String, JsonNode> byName = new java.util.HashMap<>();
        private final String where;

        Labels(JsonNode record, boolean cbor, String where) {
            this.where = where;
            for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String label = cbor ? CBOR_LABELS.getOrDefault(field.getKey(), field.getKey()) : field.getKey();
                if (!KNOWN.contains(label) && label.endsWith("_")) {
                    throw new DataException(where + " has the label '" + label + "', which must be understood "
                            + "(it ends in '_') and is not known to this reader");
                }
                byName.put(label, field.getValue());
            }
        }

        boolean has(String label) {
            return byName.containsKey(label) && !byName.get(label).isNull();
        }

        double number(String label) {
            JsonNode node = byName.get(label);
            if (!node.isNumber()) {
                throw new DataException(where + ": '" + label + "' is a number, not " + node);
            }
            return node.doubleValue();
        }

        String text(String label) {
            JsonNode node = byName.get(label);
            if (!node.isTextual()) {
                throw new DataException(where + ": '" + label + "' is a string, not " + node);
            }
            return node.textValue();
        }

        boolean bool(String label) {
            JsonNode node = byName.get(label);
            if (!node.isBoolean()) {
                throw new DataException(where + ": '" + label + "' is a boolean, not " + node);
            }
            return node.booleanValue();
        }

        /** vd: a byte string in CBOR, base64url text in JSON (RFC 8428 5, without padding). */
        byte[] data(String label) {
            JsonNode node = byName.get(label);
            if (node.isBinary()) {
                try {
                    return node.binaryValue();
                } catch (IOException e) {
                    throw new DataException(where + ": '" + label + "' cannot be read: " + e.getMessage(), e);
                }
            }
            if (!node.isTextual()) {
                throw new DataException(where + ": '" + label + "' is data (base64url), not " + node);
            }
            try {
                return Base64.getUrlDecoder().decode(node.textValue());
            } catch (IllegalArgumentException e) {
                throw new DataException(where + ": '" + label + "' is not base64url: " + e.getMessage(), e);
            }
        }
    }
}
