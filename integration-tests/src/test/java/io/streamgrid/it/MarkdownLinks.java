package io.streamgrid.it;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown pages and whether each leads to a file, and to a heading in it, within a tree of
 * files: the repository (docs, README) or a packaged plugin's zip.
 */
final class MarkdownLinks {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    /**
     * A tree of files by '/'-separated path from its root.
     *
     * @param exists whether a file or a directory is at the path
     * @param read   the text of the file at the path
     */
    record Tree(Predicate<String> exists, Function<String, String> read) {
    }

    private MarkdownLinks() {
    }

    /** Each relative link of {@code page} (a path in {@code tree}) that leads nowhere in the tree, and why. */
    static List<String> broken(Tree tree, String page) {
        List<String> broken = new ArrayList<>();
        Matcher link = LINK.matcher(tree.read().apply(page));
        while (link.find()) {
            String target = link.group(1);
            if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                continue;
            }
            int hash = target.indexOf('#');
            String file = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? null : target.substring(hash + 1);
            String resolved = file.isEmpty() ? page : resolve(page, file);
            if (resolved == null || !tree.exists().test(resolved)) {
                broken.add(page + ": " + target + " (no such file)");
            } else if (anchor != null && resolved.endsWith(".md")
                    && !anchors(tree.read().apply(resolved)).contains(anchor)) {
                broken.add(page + ": " + target + " (no such heading)");
            }
        }
        return broken;
    }

    /** {@code target} relative to the directory of {@code page}; null when it leaves the tree. */
    private static String resolve(String page, String target) {
        Deque<String> parts = new ArrayDeque<>(List.of(page.split("/")));
        parts.removeLast();
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        boolean code = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                code = !code;
            }
            if (!code && line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
                anchors.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
