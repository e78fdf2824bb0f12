package io.streamgrid.common.config;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** A connector's config reference as a Markdown table, generated from its ConfigDef so it cannot drift. */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String markdown(String title, ConfigDef def) {
        return "# " + title + "\n\nGenerated from the connector's `ConfigDef`; do not edit by hand.\n" + tables(def, "##");
    }

    /**
     * A config class's {@code main}: writes the reference to {@code args[0]} (docs/...-config.md, the one place the
     * tables live); with no arguments prints it.
     */
    public static void writeReference(String title, ConfigDef def, String[] args) throws java.io.IOException {
        String markdown = markdown(title, def);
        if (args.length == 0) {
            System.out.print(markdown);
            return;
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), markdown);
    }

    /** One table per group, each under a heading of the given level ({@code ##}, {@code ####}). */
    public static String tables(ConfigDef def, String heading) {
        StringBuilder out = new StringBuilder();
        String group = null;
        List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                .filter(key -> !key.internalConfig)
                .sorted((a, b) -> {
                    int byGroup = Integer.compare(groupIndex(def, a), groupIndex(def, b));
                    return byGroup != 0 ? byGroup : Integer.compare(a.orderInGroup, b.orderInGroup);
                }).toList();
        for (ConfigDef.ConfigKey key : keys) {
            String keyGroup = key.group == null ? "Other" : key.group;
            if (!keyGroup.equals(group)) {
                group = keyGroup;
                out.append("\n").append(heading).append(" ").append(group).append("\n\n")
                        .append("| key | type | default | valid values | importance | description |\n")
                        .append("|---|---|---|---|---|---|\n");
            }
            out.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(defaultValue(key))
                    .append(" | ").append(key.validator == null ? "" : cell(key.validator.toString()))
                    .append(" | ").append(key.importance.name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(cell(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static int groupIndex(ConfigDef def, ConfigDef.ConfigKey key) {
        int index = def.groups().indexOf(key.group);
        return index < 0 ? Integer.MAX_VALUE : index;
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "none";
        }
        if (value instanceof Password) {
            return "[hidden]";
        }
        if (value instanceof List<?> list) {
            value = String.join(",", list.stream().map(String::valueOf).toList());
        }
        String text = value.toString();
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
