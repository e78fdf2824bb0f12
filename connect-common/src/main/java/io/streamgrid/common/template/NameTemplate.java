package io.streamgrid.common.template;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A name with parts taken from the data: {@code telemetry_${site}}, {@code alerts_${_key}}, {@code readings_${2}}.
 * Each {@code ${...}} is a reference the connector looks up per record (a field, an MQTT topic level, a CoAP
 * resource); everything else is kept as written. A name without references is constant.
 */
public final class NameTemplate {

    /** A part of the name: literal text, or a reference (then {@code text} is what stands between the braces). */
    public record Part(String text, boolean reference) {
    }

    private final String written;
    private final List<Part> parts;
    /** Kept, not derived per call: connectors ask for each record. */
    private final List<String> references;

    private NameTemplate(String written, List<Part> parts) {
        this.written = written;
        this.parts = List.copyOf(parts);
        this.references = List.copyOf(this.parts.stream().filter(Part::reference).map(Part::text).toList());
    }

    /** Reads a name; an unclosed or empty {@code ${}} is an IllegalArgumentException saying where. */
    public static NameTemplate parse(String written) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < written.length()) {
            if (written.startsWith("${", i)) {
                int end = written.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("'${' at character " + (i + 1) + " of '" + written
                            + "' has no closing '}'");
                }
                String reference = written.substring(i + 2, end).trim();
                if (reference.isEmpty()) {
                    throw new IllegalArgumentException("'${}' in '" + written + "' names nothing; write ${field}");
                }
                if (literal.length() > 0) {
                    parts.add(new Part(literal.toString(), false));
                    literal.setLength(0);
                }
                parts.add(new Part(reference, true));
                i = end + 1;
            } else {
                literal.append(written.charAt(i++));
            }
        }
        if (literal.length() > 0) {
            parts.add(new Part(literal.toString(), false));
        }
        return new NameTemplate(written, parts);
    }

    public boolean isConstant() {
        return references.isEmpty();
    }

    public List<Part> parts() {
        return parts;
    }

    /** The references, in order. */
    public List<String> references() {
        return references;
    }

    /** The literal text, with every reference left out: what a connector checks for characters it cannot name. */
    public String literalText() {
        StringBuilder text = new StringBuilder();
        parts.stream().filter(p -> !p.reference()).forEach(p -> text.append(p.text()));
        return text.toString();
    }

    /**
     * The name for one record: each reference replaced by what {@code lookup} gives for it. A reference the
     * lookup has no value for (null) is an IllegalArgumentException naming it.
     */
    public String resolve(Function<String, Object> lookup) {
        if (parts.size() == 1 && !parts.get(0).reference()) {
            return written;
        }
        StringBuilder name = new StringBuilder();
        for (Part part : parts) {
            if (!part.reference()) {
                name.append(part.text());
                continue;
            }
            Object value = lookup.apply(part.text());
            if (value == null) {
                throw new IllegalArgumentException("'${" + part.text() + "}' in the name '" + written
                        + "' has no value");
            }
            name.append(value);
        }
        return name.toString();
    }

    @Override
    public String toString() {
        return written;
    }
}
