package io.streamgrid.common.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Config fragment for the error policy, under a connector's prefix: {@code <prefix>.error.policy},
 * {@code <prefix>.max.retries} and {@code <prefix>.retry.interval} (stream-reactor's key names).
 *
 * @param maxRetries    how many times a failed batch is retried before the task fails
 * @param retryInterval how long the worker waits before it hands the batch back
 */
public record ErrorPolicyConfig(ErrorPolicy policy, int maxRetries, Duration retryInterval) {

    public static final String POLICY_SUFFIX = "error.policy";
    public static final String MAX_RETRIES_SUFFIX = "max.retries";
    public static final String RETRY_INTERVAL_SUFFIX = "retry.interval";

    public static final ErrorPolicy POLICY_DEFAULT = ErrorPolicy.THROW;
    public static final int MAX_RETRIES_DEFAULT = 20;
    public static final long RETRY_INTERVAL_MS_DEFAULT = 10_000L;

    public static ConfigDef define(ConfigDef def, String prefix, String group, int firstOrder) {
        return define(def, prefix, group, firstOrder, POLICY_DEFAULT);
    }

    /** Defines the three keys with a connector's own default policy. */
    public static ConfigDef define(ConfigDef def, String prefix, String group, int firstOrder, ErrorPolicy defaultPolicy) {
        int order = firstOrder;
        return def
                .define(prefix + "." + POLICY_SUFFIX, ConfigDef.Type.STRING, defaultPolicy.name(),
                        new PolicyValidator(), ConfigDef.Importance.HIGH,
                        "What to do when a write fails. THROW fails the task. RETRY hands the batch back to the "
                                + "worker and tries again after " + prefix + "." + RETRY_INTERVAL_SUFFIX + ", at most "
                                + prefix + "." + MAX_RETRIES_SUFFIX + " times, then fails the task. NOOP logs the "
                                + "failure, counts it and drops the failed records. Records that cannot be written "
                                + "because of their data go to the worker's dead-letter queue when it has one "
                                + "(errors.deadletterqueue.topic.name), whatever this policy says.",
                        group, order++, ConfigDef.Width.SHORT, "Error policy")
                .define(prefix + "." + MAX_RETRIES_SUFFIX, ConfigDef.Type.INT, MAX_RETRIES_DEFAULT,
                        ConfigDef.Range.atLeast(0), ConfigDef.Importance.MEDIUM,
                        "How many times a failed batch is retried under the RETRY policy before the task fails.",
                        group, order++, ConfigDef.Width.SHORT, "Maximum retries")
                .define(prefix + "." + RETRY_INTERVAL_SUFFIX, ConfigDef.Type.LONG, RETRY_INTERVAL_MS_DEFAULT,
                        ConfigDef.Range.atLeast(0), ConfigDef.Importance.MEDIUM,
                        "Milliseconds the worker waits before it hands a failed batch back under the RETRY policy.",
                        group, order, ConfigDef.Width.SHORT, "Retry interval (ms)");
    }

    public static ErrorPolicyConfig from(AbstractConfig config, String prefix) {
        return new ErrorPolicyConfig(
                ErrorPolicy.valueOf(config.getString(prefix + "." + POLICY_SUFFIX).trim().toUpperCase(Locale.ROOT)),
                config.getInt(prefix + "." + MAX_RETRIES_SUFFIX),
                Duration.ofMillis(config.getLong(prefix + "." + RETRY_INTERVAL_SUFFIX)));
    }

    private static String[] names() {
        return Arrays.stream(ErrorPolicy.values()).map(Enum::name).toArray(String[]::new);
    }

    /** Accepts the policy names in any letter case. */
    private static final class PolicyValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString().trim().toUpperCase(Locale.ROOT);
            if (Arrays.stream(ErrorPolicy.values()).noneMatch(p -> p.name().equals(text))) {
                throw new ConfigException(name, value, "must be one of " + String.join(", ", names()));
            }
        }

        @Override
        public String toString() {
            return String.join(", ", names());
        }
    }
}
