package io.streamgrid.common.testing;

import io.streamgrid.common.config.ConfigAliases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a connector's table of old keys in docs/migrating-from-stream-reactor.md and checks each row against
 * what the connector does: the old key is defined as it is ("the same"), renamed to the key the row names, ignored
 * with a warning, or refused; and every old name the connector knows is in its table. Shipped in connect-common's
 * test-jar for every connector's tests.
 */
public final class MigrationGuide {

    public static final Path PAGE = Path.of("..", "docs", "migrating-from-stream-reactor.md");
    private static final Pattern KEY = Pattern.compile("`(connect\\.[a-z0-9.*_-]+)`");
    private static final String VALUE = "a-value";

    private MigrationGuide() {
    }

    /** What a row says becomes of its old keys. */
    private enum Fate { SAME, RENAMED, RETIRED, REFUSED }

    /**
     * Every way the table under {@code ## <section>} and the connector disagree; empty when they agree.
     *
     * @param def     the connector's ConfigDef
     * @param aliases the connector's old names
     */
    public static List<String> problems(String section, ConfigDef def, ConfigAliases aliases) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        List<String[]> rows = rows(Files.readString(PAGE), section);
        if (rows.isEmpty()) {
            problems.add("no table under '## " + section + "' in " + PAGE);
        }
        for (String[] row : rows) {
            List<String> oldKeys = keys(row[0]);
            if (oldKeys.isEmpty()) {
                continue; // not about keys (e.g. converter class names)
            }
            listed.addAll(oldKeys);
            String becomes = row[1].trim();
            Fate fate = fate(becomes);
            if (fate == null) {
                problems.add(String.join(", ", oldKeys) + ": the row's second column ('" + becomes + "') says none of "
                        + "'the same ...', '`<new key>` ...', 'ignored with a warning ...' or 'refused ...'");
                continue;
            }
            List<String> newKeys = fate == Fate.RENAMED ? keys(becomes.split(" \\(|;", 2)[0]) : List.of();
            if (fate == Fate.RENAMED && newKeys.size() != 1 && newKeys.size() != oldKeys.size()) {
                problems.add(oldKeys + " -> " + newKeys + ": give one new key, or one for each old key");
                continue;
            }
            for (int i = 0; i < oldKeys.size(); i++) {
                String oldKey = oldKeys.get(i);
                String key = oldKey.endsWith(".*") ? oldKey.substring(0, oldKey.length() - 1) + "example" : oldKey;
                String problem = switch (fate) {
                    case SAME -> same(key, def, aliases);
                    case RENAMED -> renamed(key, newKeys.get(newKeys.size() == 1 ? 0 : i), def, aliases);
                    case RETIRED -> retired(key, def, aliases);
                    case REFUSED -> refused(key, aliases);
                };
                if (problem != null) {
                    problems.add(oldKey + ": the guide says " + fate.name().toLowerCase(Locale.ROOT) + ", but "
                            + problem);
                }
            }
        }
        for (String known : known(aliases)) {
            if (listed.stream().noneMatch(key -> key.equals(known) || key.equals(known + "*"))) {
                problems.add(known + ": an old name the connector knows, missing from the guide's table");
            }
        }
        return problems;
    }

    private static Fate fate(String becomes) {
        if (becomes.startsWith("the same")) {
            return Fate.SAME;
        }
        if (becomes.startsWith("ignored with a warning")) {
            return Fate.RETIRED;
        }
        if (becomes.startsWith("refused")) {
            return Fate.REFUSED;
        }
        return becomes.startsWith("`connect.") ? Fate.RENAMED : null;
    }

    private static String same(String key, ConfigDef def, ConfigAliases aliases) {
        if (!def.names().contains(key)) {
            return "the connector does not define it";
        }
        return aliases.warnings(Map.of(key, VALUE)).isEmpty() ? null : "it is an old name: "
                + aliases.warnings(Map.of(key, VALUE));
    }

    private static String renamed(String oldKey, String newKey, ConfigDef def, ConfigAliases aliases) {
        if (!def.names().contains(newKey)) {
            return "the connector does not define " + newKey;
        }
        Map<String, String> resolved = resolve(oldKey, aliases);
        if (resolved == null) {
            return "it is refused";
        }
        return resolved.equals(Map.of(newKey, VALUE)) ? null : "its value ends up as " + resolved + ", not under "
                + newKey;
    }

    private static String retired(String key, ConfigDef def, ConfigAliases aliases) {
        if (def.names().contains(key)) {
            return "the connector defines it";
        }
        List<String> warnings = aliases.warnings(Map.of(key, VALUE));
        if (warnings.size() != 1 || !warnings.get(0).contains("no longer applies")) {
            return "no warning says it no longer applies (warnings: " + warnings + ")";
        }
        return resolve(key, aliases) == null ? "it is refused" : null;
    }

    private static String refused(String key, ConfigAliases aliases) {
        Map<String, String> resolved = resolve(key, aliases);
        return resolved == null ? null : "it is accepted (as " + resolved + "; warnings: "
                + aliases.warnings(Map.of(key, VALUE)) + ")";
    }

    /** The config a task would get from just this key, or null when the key is refused. */
    private static Map<String, String> resolve(String key, ConfigAliases aliases) {
        try {
            return aliases.resolve(Map.of(key, VALUE));
        } catch (ConfigException e) {
            return null;
        }
    }

    /** Every old name and retired key (a retired prefix as "prefix.") the connector knows. */
    private static Set<String> known(ConfigAliases aliases) {
        Set<String> known = new LinkedHashSet<>(aliases.renamed().keySet());
        known.addAll(aliases.retired().keySet());
        return known;
    }

    private static List<String> keys(String cell) {
        List<String> keys = new ArrayList<>();
        Matcher key = KEY.matcher(cell);
        while (key.find()) {
            keys.add(key.group(1));
        }
        return keys;
    }

    /** The two cells of each body row of the first table after the heading. */
    private static List<String[]> rows(String markdown, String section) {
        List<String[]> rows = new ArrayList<>();
        boolean inSection = false;
        boolean inTable = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("#")) {
                if (inSection) {
                    break;
                }
                inSection = line.equals("## " + section);
                continue;
            }
            if (!inSection) {
                continue;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            if (!inTable) {
                inTable = true; // the header row
                continue;
            }
            if (line.startsWith("|---")) {
                continue;
            }
            List<String> cells = cells(line);
            if (cells.size() == 2) {
                rows.add(cells.toArray(String[]::new));
            }
        }
        return rows;
    }

    /** A table row's cells, split on the pipes outside code spans. */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        for (char c : line.substring(1).toCharArray()) {
            if (c == '`') {
                code = !code;
            }
            if (c == '|' && !code) {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        return cells;
    }
}
