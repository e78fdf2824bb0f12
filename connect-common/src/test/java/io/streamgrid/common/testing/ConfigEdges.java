package io.streamgrid.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The config edges every connector must take as a user would send them through REST: a key set to null or to
 * the empty string gets a clear error on that key from validate (never an exception, which the REST API turns
 * into HTTP 500), or else the config works (its constructor and every typed getter, as a task calls them).
 * Shipped in connect-common's test-jar for every connector's tests.
 */
public final class ConfigEdges {

    private ConfigEdges() {
    }

    /**
     * @param validate what the connector's validate does (without network checks where they would be slow)
     * @param config   the connector's config constructor
     * @param valid    a valid config, to change one key at a time
     */
    public static void everyKeyTakesNullAndEmpty(ConfigDef def, Function<Map<String, String>, Config> validate,
                                                 Function<Map<String, String>, AbstractConfig> config,
                                                 Map<String, String> valid) {
        List<String> problems = new ArrayList<>();
        for (String key : def.names()) {
            for (String value : new String[] {null, ""}) {
                Map<String, String> props = new HashMap<>(valid);
                props.put(key, value);
                String what = key + "=" + (value == null ? "null" : "\"\"");
                Config result;
                try {
                    result = validate.apply(props);
                } catch (RuntimeException e) {
                    problems.add(what + ": validate threw " + e);
                    continue;
                }
                List<String> errors = errorsOn(result, key);
                List<String> elsewhere = new ArrayList<>();
                result.configValues().stream().filter(v -> !v.name().equals(key) && !v.errorMessages().isEmpty())
                        .forEach(v -> elsewhere.add(v.name() + ": " + v.errorMessages()));
                if (!errors.isEmpty()) {
                    if (errors.stream().anyMatch(m -> m == null || m.isBlank())) {
                        problems.add(what + ": an empty error message");
                    }
                    continue;
                }
                if (!elsewhere.isEmpty()) {
                    problems.add(what + ": errors on other keys but none on it: " + elsewhere);
                    continue;
                }
                try {
                    callGetters(config.apply(props));
                } catch (RuntimeException e) {
                    problems.add(what + ": validate found nothing wrong, but the config fails: " + e);
                }
            }
        }
        assertThat(problems).as("config edges").isEmpty();
    }

    /** The errors validate reports on one key. */
    public static List<String> errorsOn(Config result, String key) {
        return result.configValues().stream().filter(v -> v.name().equals(key)).findFirst()
                .map(ConfigValue::errorMessages).orElse(List.of());
    }

    private static void callGetters(AbstractConfig config) {
        for (Method method : config.getClass().getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() == 0 && method.getReturnType() != void.class) {
                try {
                    method.invoke(config);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (!(cause instanceof ConfigException)) {
                        throw new IllegalStateException(method.getName() + "() threw " + cause, cause);
                    }
                    throw (ConfigException) cause;
                }
            }
        }
    }
}
