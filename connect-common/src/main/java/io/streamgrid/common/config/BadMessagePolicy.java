package io.streamgrid.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * What a push source does with a message it cannot turn into a record; a config fragment of two keys, the
 * policy and the dead-letter topic.
 */
public enum BadMessagePolicy {
    /** The task fails, naming the message and the reason. */
    FAIL,
    /** The message is logged at WARN, counted and passed over. */
    SKIP,
    /** The message goes, as it came, to a dead-letter topic in Kafka, with headers saying why and from where. */
    DLQ;

    public static final String SUFFIX = "bad.message.policy";
    public static final String TOPIC_SUFFIX = "dead.letter.topic";

    /**
     * Defines {@code <prefix>.bad.message.policy}.
     *
     * @param bad     which messages are bad, for the docs
     * @param onFail  what else FAIL means for this source, for the docs
     * @param onSkip  what else SKIP means for this source, for the docs
     */
    public static void define(ConfigDef def, String prefix, String bad, String onFail, String onSkip, String group,
                              int order) {
        def.define(prefix + "." + SUFFIX, Type.STRING, FAIL.name(),
                ConfigDef.CaseInsensitiveValidString.in(Arrays.stream(values()).map(Enum::name).toArray(String[]::new)),
                Importance.MEDIUM, "What to do with " + bad + ". FAIL: the task fails with the reason and where the "
                        + "message came from, once the records of the other messages polled with it have been "
                        + "handed over" + onFail + ". SKIP: log it at WARN, count it in the skipped-total metric"
                        + onSkip + ". DLQ: write it, as it came (its payload bytes as a BYTES value, which the "
                        + "connector's value converter writes), to the Kafka topic " + prefix + "." + TOPIC_SUFFIX
                        + ", with headers streamgrid.error.reason, streamgrid.error.policy, streamgrid.error.time and "
                        + "where it came from; count it in dead-lettered-total" + onSkip.replace("and acknowledge it",
                        "and acknowledge it only once Kafka has the dead letter") + ".",
                group, order, Width.SHORT, "Bad message policy")
           .define(prefix + "." + TOPIC_SUFFIX, Type.STRING, "", Importance.MEDIUM,
                "The Kafka topic bad messages go to under " + prefix + "." + SUFFIX + "=DLQ.",
                group, order + 1, Width.MEDIUM, "Dead-letter topic");
    }

    /** The dead-letter topic, null unless the policy is DLQ; a DLQ policy without a topic is a config error. */
    public static String deadLetterTopic(AbstractConfig config, String prefix) {
        if (from(config, prefix) != DLQ) {
            return null;
        }
        String topic = config.getString(prefix + "." + TOPIC_SUFFIX).trim();
        if (topic.isEmpty()) {
            throw new ConfigException(prefix + "." + TOPIC_SUFFIX, "", NEEDS_TOPIC);
        }
        return topic;
    }

    /** For validate: a DLQ policy without a topic, reported on the topic's key. */
    public static void check(AliasedValidation validation, String prefix) {
        String policy = validation.resolved().get(prefix + "." + SUFFIX);
        String topic = validation.resolved().get(prefix + "." + TOPIC_SUFFIX);
        if (policy != null && policy.trim().equalsIgnoreCase(DLQ.name()) && (topic == null || topic.isBlank())) {
            validation.value(prefix + "." + TOPIC_SUFFIX).addErrorMessage(NEEDS_TOPIC);
        }
    }

    private static final String NEEDS_TOPIC = "the bad-message policy DLQ needs a topic to write bad messages to";

    /** Every policy, as a sentence lists them ("FAIL, SKIP or DLQ"), for messages that name the choices. */
    public static String choices() {
        List<String> names = Arrays.stream(values()).map(Enum::name).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    public static BadMessagePolicy from(AbstractConfig config, String prefix) {
        return valueOf(config.getString(prefix + "." + SUFFIX).trim().toUpperCase(Locale.ROOT));
    }
}
