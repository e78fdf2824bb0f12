package io.streamgrid.mqtt;

import io.streamgrid.common.template.LevelFilter;
import java.nio.charset.StandardCharsets;

/**
 * MQTT topic filters as the MQTT 3.1.1 spec defines them, and the Kafka topic a statement with target
 * {@code `$`} derives from an MQTT topic.
 */
public final class TopicFilters {

    private static final String SHARE_PREFIX = "$share/";
    static final int MAX_KAFKA_TOPIC_LENGTH = 249;

    private TopicFilters() {
    }

    /** True for {@code $share/<group>/<filter>}: every task subscribes, and the broker spreads the messages. */
    public static boolean isShared(String filter) {
        return filter.startsWith(SHARE_PREFIX);
    }

    /** The filter messages are matched against: without the {@code $share/<group>/} part. */
    public static String matchingFilter(String filter) {
        if (!isShared(filter)) {
            return filter;
        }
        int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
        return groupEnd < 0 ? "" : filter.substring(groupEnd + 1);
    }

    /** Why a filter is not valid MQTT, or null when it is. */
    public static String problem(String filter) {
        if (filter.isEmpty()) {
            return "a topic filter must not be empty";
        }
        if (isShared(filter)) {
            int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
            String group = groupEnd < 0 ? "" : filter.substring(SHARE_PREFIX.length(), groupEnd);
            if (group.isEmpty() || group.contains("+") || group.contains("#")) {
                return "a shared subscription is $share/<group>/<filter>, with a group name without + or #";
            }
            return problem(matchingFilter(filter));
        }
        String problem = LevelFilter.problem(filter);
        return problem == null ? null : problem.replace("a filter", "a topic filter");
    }

    /**
     * Whether a topic matches a filter: {@code +} matches one level, {@code #} any number of levels including
     * none ({@code a/#} matches {@code a}), and a wildcard at the first level does not match topics starting
     * with {@code $}.
     */
    public static boolean matches(String filter, String topic) {
        String effective = matchingFilter(filter);
        if (topic.startsWith("$") && (effective.startsWith("+") || effective.startsWith("#"))) {
            return false;
        }
        return LevelFilter.matches(effective, topic);
    }

    /**
     * The Kafka topic for an MQTT topic, for statements whose target is {@code `$`}. Letters, digits and '-'
     * stay; '/' becomes '.'; every other character becomes '_' and two hex digits per UTF-8 byte ('.' is
     * "_2E", '_' is "_5F", a space "_20"). Different MQTT topics never share a Kafka topic, and the mapping
     * can be read backwards.
     */
    public static String kafkaTopic(String mqttTopic) {
        StringBuilder out = new StringBuilder(mqttTopic.length() + 8);
        for (byte b : mqttTopic.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                out.append(c);
            } else if (c == '/') {
                out.append('.');
            } else {
                out.append('_').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        String topic = out.toString();
        if (topic.equals(".") || topic.equals("..")) {
            topic = topic.replace(".", "_2F");
        }
        if (topic.length() > MAX_KAFKA_TOPIC_LENGTH) {
            throw new IllegalArgumentException("MQTT topic '" + mqttTopic + "' maps to a Kafka topic of "
                    + topic.length() + " characters; Kafka allows " + MAX_KAFKA_TOPIC_LENGTH);
        }
        return topic;
    }
}
