package io.streamgrid.common.config;

import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlException;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.common.metrics.TaskIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Config fragment for a connector's KCQL key. Its validator parses the statements and checks them
 * against what the connector accepts, so Connect's REST validate endpoint shows the error, with
 * line:column and a caret, on the KCQL key itself.
 */
public final class KcqlConfig {

    private KcqlConfig() {
    }

    /**
     * A connector's own check of one statement, beyond what {@link KcqlCapabilities} declares (e.g. which
     * STOREAS parameters a type takes). It throws {@link KcqlException} via {@link KcqlStatement#errorAt}.
     */
    @FunctionalInterface
    public interface StatementCheck {
        StatementCheck NONE = statement -> { };

        void check(KcqlStatement statement);

        /** Checks a whole KCQL value: each statement, and how they go together (by default, nothing more). */
        default void checkAll(List<KcqlStatement> statements) {
            statements.forEach(this::check);
        }
    }

    /** Defines {@code key} as a required KCQL string in {@code group}. */
    public static ConfigDef define(ConfigDef def, String key, String doc, String group, int orderInGroup,
                                   KcqlCapabilities capabilities) {
        return define(def, key, doc, group, orderInGroup, capabilities, StatementCheck.NONE);
    }

    /** Defines {@code key} as a required KCQL string whose statements also pass {@code check}. */
    public static ConfigDef define(ConfigDef def, String key, String doc, String group, int orderInGroup,
                                   KcqlCapabilities capabilities, StatementCheck check) {
        return def.define(key, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new Validator(capabilities, check),
                ConfigDef.Importance.HIGH, doc, group, orderInGroup, ConfigDef.Width.LONG, "KCQL statements");
    }

    /** The statements of a config that has already been validated. */
    /** Statement texts as one value of the KCQL key again, e.g. for a task's share of a connector's statements. */
    /**
     * Task configs that spread a source's statements over at most {@code maxTasks} tasks, round robin, each a
     * copy of {@code props} with its own statements under {@code kcqlKey} and its task id. A statement for which
     * {@code onEveryTask} holds goes to every task (an MQTT shared subscription, which the broker balances), and
     * then there are {@code maxTasks} tasks.
     */
    public static List<Map<String, String>> spread(Map<String, String> props, String kcqlKey,
                                                   List<KcqlStatement> statements,
                                                   Predicate<KcqlStatement> onEveryTask, int maxTasks) {
        List<KcqlStatement> everywhere = statements.stream().filter(onEveryTask).toList();
        List<KcqlStatement> spread = statements.stream().filter(onEveryTask.negate()).toList();
        int tasks = everywhere.isEmpty() ? Math.min(maxTasks, spread.size()) : maxTasks;
        List<List<String>> texts = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            texts.add(new ArrayList<>(everywhere.stream().map(KcqlStatement::text).toList()));
        }
        for (int i = 0; i < spread.size(); i++) {
            texts.get(i % tasks).add(spread.get(i).text());
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<String> mine : texts) {
            Map<String, String> task = new HashMap<>(props);
            task.put(kcqlKey, join(mine));
            configs.add(task);
        }
        return TaskIds.number(configs);
    }

    public static String join(List<String> statementTexts) {
        return String.join(";\n", statementTexts.stream()
                .map(text -> text.endsWith(";") ? text.substring(0, text.length() - 1) : text).toList());
    }

    public static List<KcqlStatement> statements(AbstractConfig config, String key, KcqlCapabilities capabilities) {
        return parse(key, config.getString(key), capabilities, StatementCheck.NONE);
    }

    static List<KcqlStatement> parse(String key, String value, KcqlCapabilities capabilities, StatementCheck check) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, value, "at least one KCQL statement is required");
        }
        try {
            List<KcqlStatement> statements = capabilities.parse(value);
            check.checkAll(statements);
            return statements;
        } catch (KcqlException e) {
            throw new ConfigException("Invalid value for " + key + ": " + e.getMessage());
        }
    }

    private record Validator(KcqlCapabilities capabilities, StatementCheck check) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return; // ConfigDef reports the missing required value itself
            }
            parse(name, (String) value, capabilities, check);
        }

        @Override
        public String toString() {
            return "KCQL statements the " + capabilities.connector() + " accepts";
        }
    }
}
