package io.streamgrid.common.config;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The start every connector's {@code validate()} shares: old key names resolved, the ConfigDef checks run on the
 * result, and an old/new name conflict attached to the current key; then the connector adds its own checks.
 * Every key gets one clear error at most: a key set to null (JSON null in a REST config) gets that error alone,
 * and a value that does not parse does not also get the "Value must be non-null" that ConfigDef's validators add
 * after a failed parse.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP", justification = "the validation's maps are shared "
        + "on purpose: each later check adds its errors to the same ConfigValues, which validate() returns")
public record AliasedValidation(Map<String, String> resolved, Config result, Map<String, ConfigValue> byName) {

    /** {@code defValidation} is the connector's {@code super::validate}. */
    public static AliasedValidation of(ConfigAliases aliases, Map<String, String> props,
                                       Function<Map<String, String>, Config> defValidation) {
        Map<String, String> conflicts = new HashMap<>();
        Map<String, String> resolved = aliases.resolveLeniently(props, conflicts);
        Map<String, String> nonNull = new HashMap<>(resolved);
        nonNull.values().removeIf(java.util.Objects::isNull);
        Config result = defValidation.apply(nonNull);
        Map<String, ConfigValue> byName = new HashMap<>();
        result.configValues().forEach(v -> byName.put(v.name(), v));
        for (ConfigValue value : result.configValues()) {
            if (resolved.containsKey(value.name()) && resolved.get(value.name()) == null) {
                value.errorMessages().clear();
                value.addErrorMessage("Invalid value null for configuration " + value.name() + ": "
                        + ConfigAliases.NULL_VALUE);
            } else if (value.errorMessages().size() > 1 && resolved.get(value.name()) != null) {
                value.errorMessages().removeIf(m -> m.endsWith("Value must be non-null"));
            }
        }
        conflicts.forEach((key, message) -> byName.get(key).addErrorMessage(message));
        return new AliasedValidation(nonNull, result, byName);
    }

    public boolean noErrors() {
        return result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    }

    public ConfigValue value(String key) {
        return byName.get(key);
    }
}
