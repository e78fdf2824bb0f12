package io.streamgrid.coap;

import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.KcqlStatement;
import java.util.regex.Pattern;

/** The Kafka topic a CoAP statement writes to, in both modes: its target, maybe with ${...} parts. */
public final class TopicNames {

    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicNames() {
    }

    /** The target as a name template; a Kafka topic name it cannot give is a KcqlException at the target. */
    public static NameTemplate template(KcqlStatement statement) {
        String target = statement.target();
        NameTemplate template;
        try {
            template = NameTemplate.parse(target);
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, e.getMessage());
        }
        String literal = template.literalText();
        if (!template.isConstant()) {
            if (!literal.isEmpty() && !KAFKA_TOPIC.matcher(literal).matches()) {
                throw statement.errorAt(statement.positionAfter("INTO", target), target, "'" + target + "' has "
                        + "characters a Kafka topic name cannot hold outside its ${...}");
            }
        } else if (!KAFKA_TOPIC.matcher(target).matches() || target.equals(".") || target.equals("..")) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, "'" + target + "' is not a Kafka "
                    + "topic name (letters, digits, '.', '_' and '-', at most 249)");
        }
        return template;
    }

    /** A value as part of a topic name: characters a name cannot hold become '_'; nothing becomes "_". */
    public static String safe(String text) {
        String safe = text.replaceAll("[^a-zA-Z0-9._-]", "_");
        return safe.isEmpty() ? "_" : safe;
    }
}
