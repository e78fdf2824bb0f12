package io.streamgrid.common.config;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The start every connector's {@code validate()} shares: old key names resolved, the ConfigDef checks run on the
 * result, and an old/new name conflict attached to the current key; then the connector adds its own checks.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP", justification = "the validation's maps are shared "
        + "on purpose: each later check adds its errors to the same ConfigValues, which validate() returns")
public record AliasedValidation(Map<String, String> resolved, Config result, Map<String, ConfigValue> byName) {

    /** {@code defValidation} is the connector's {@code super::validate}. */
    public static AliasedValidation of(ConfigAliases aliases, Map<String, String> props,
                                       Function<Map<String, String>, Config> defValidation) {
        Map<String, String> conflicts = new HashMap<>();
        Map<String, String> resolved = aliases.resolveLeniently(props, conflicts);
        Config result = defValidation.apply(resolved);
        Map<String, ConfigValue> byName = new HashMap<>();
        result.configValues().forEach(v -> byName.put(v.name(), v));
        conflicts.forEach((key, message) -> byName.get(key).addErrorMessage(message));
        return new AliasedValidation(resolved, result, byName);
    }

    public boolean noErrors() {
        return result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    }

    public ConfigValue value(String key) {
        return byName.get(key);
    }
}
