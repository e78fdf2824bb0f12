package io.streamgrid.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Old key names a connector still accepts: a renamed key's value moves to its new name (with a
 * warning); a retired key, which no longer means anything, is accepted and its reason logged, so a
 * config written for stream-reactor keeps working and says what changed.
 *
 * @param renamed old name to current name
 * @param retired key (or key prefix ending in '.') to the reason it no longer applies
 */
public record ConfigAliases(Map<String, String> renamed, Map<String, String> retired) {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigAliases.class);

    public ConfigAliases {
        renamed = Map.copyOf(renamed);
        retired = Map.copyOf(retired);
    }

    /**
     * The properties with every renamed key under its current name. Both names with different values is
     * an error on the current name.
     */
    public Map<String, String> resolve(Map<String, String> props) {
        Map<String, String> resolved = new LinkedHashMap<>(props);
        for (Map.Entry<String, String> alias : renamed.entrySet()) {
            String oldName = alias.getKey();
            String current = alias.getValue();
            if (!props.containsKey(oldName)) {
                continue;
            }
            String value = resolved.remove(oldName);
            String existing = props.get(current);
            if (existing != null && !Objects.equals(existing.trim(), value == null ? null : value.trim())) {
                throw new ConfigException(current, existing, "both " + current + " and its old name " + oldName
                        + " are set, to different values; keep only " + current);
            }
            resolved.putIfAbsent(current, value);
        }
        resolved.forEach((key, value) -> {
            if (value == null) {
                throw new ConfigException(key, null, NULL_VALUE);
            }
        });
        return resolved;
    }

    /** Why a key set to null is refused: JSON null in a REST config means neither a value nor "the default". */
    public static final String NULL_VALUE = "the value is null; give a value, or leave the key out for its default";

    /**
     * Like {@link #resolve} but never throws: the current name's value wins over an old name's, and each
     * conflict is returned (current name to message) for {@code Connector.validate()} to attach to that key.
     */
    public Map<String, String> resolveLeniently(Map<String, String> props, Map<String, String> conflicts) {
        Map<String, String> resolved = new LinkedHashMap<>(props);
        for (Map.Entry<String, String> alias : renamed.entrySet()) {
            if (!props.containsKey(alias.getKey())) {
                continue;
            }
            String value = resolved.remove(alias.getKey());
            String existing = props.get(alias.getValue());
            if (existing != null && !Objects.equals(existing.trim(), value == null ? null : value.trim())) {
                conflicts.put(alias.getValue(), "both " + alias.getValue() + " and its old name " + alias.getKey()
                        + " are set, to different values; keep only " + alias.getValue());
            }
            resolved.putIfAbsent(alias.getValue(), value);
        }
        return resolved;
    }

    /** Warnings for the old names used in {@code props}, one line each, for logs and validate() results. */
    public List<String> warnings(Map<String, String> props) {
        return props.keySet().stream().sorted().map(key -> {
            if (renamed.containsKey(key)) {
                return key + " is an old name of " + renamed.get(key) + "; it is applied, but use the new name";
            }
            String reason = retiredReason(key);
            return reason == null ? null : key + " is accepted but no longer applies: " + reason;
        }).filter(Objects::nonNull).toList();
    }

    /** Logs {@link #warnings} at WARN and returns the resolved properties. */
    public Map<String, String> resolveAndWarn(Map<String, String> props) {
        Map<String, String> resolved = resolve(props);
        warnings(props).forEach(LOG::warn);
        return resolved;
    }

    private String retiredReason(String key) {
        String exact = retired.get(key);
        if (exact != null) {
            return exact;
        }
        return retired.entrySet().stream().filter(e -> e.getKey().endsWith(".") && key.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
