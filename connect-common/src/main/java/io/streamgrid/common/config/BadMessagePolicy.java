package io.streamgrid.common.config;

import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** What a push source does with a message it cannot turn into a record; a config fragment of its own key. */
public enum BadMessagePolicy {
    /** The task fails, naming the message and the reason. */
    FAIL,
    /** The message is logged at WARN, counted and passed over. */
    SKIP;

    public static final String SUFFIX = "bad.message.policy";

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
                        + "message came from" + onFail + ". SKIP: log it at WARN, count it in the skipped-total metric"
                        + onSkip + ".",
                group, order, Width.SHORT, "Bad message policy");
    }

    public static BadMessagePolicy from(AbstractConfig config, String prefix) {
        return valueOf(config.getString(prefix + "." + SUFFIX).trim().toUpperCase(Locale.ROOT));
    }
}
