package io.streamgrid.common.template;

/**
 * Filters over names made of '/'-separated levels, as MQTT defines its topic filters: {@code +} matches one level,
 * {@code #} (last) the rest, including none. The MQTT source matches topics with it and the CoAP source, in server
 * mode, request paths, so a statement's FROM means the same in both.
 */
public final class LevelFilter {

    private LevelFilter() {
    }

    /** Why {@code filter} is not a filter ('#' not a whole last level, '+' not a whole level), or null when it is. */
    public static String problem(String filter) {
        if (filter.isEmpty()) {
            return "a filter must not be empty";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole level and the last one";
            }
            if (level.contains("+") && !level.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        return null;
    }

    /** Whether {@code name} matches {@code filter}: {@code a/#} matches {@code a}, {@code a/b} and {@code a/b/c}. */
    public static boolean matches(String filter, String name) {
        String[] f = filter.split("/", -1);
        String[] t = name.split("/", -1);
        int i = 0;
        for (; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return i == t.length;
    }
}
