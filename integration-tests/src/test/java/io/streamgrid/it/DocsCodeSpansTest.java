package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every code span in the docs closes. A span that holds a backtick (``WITHCONVERTER=`json` ``) needs a longer run
 * of backticks around it; written with single ones, the span ends early, and Markdown shows the rest, up to a
 * run of backticks that nothing closes, as plain text with stray backticks.
 */
class DocsCodeSpansTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern RUN = Pattern.compile("`+");

    @Test
    void everyCodeSpanCloses() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md"),
                ROOT.resolve("config-examples/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> unclosed = new ArrayList<>();
        for (Path page : pages) {
            for (String block : blocks(Files.readString(page))) {
                int at = unclosedRun(block);
                if (at >= 0) {
                    unclosed.add(ROOT.relativize(page) + ": ..." + block.substring(Math.max(0, at - 80),
                            Math.min(block.length(), at + 20)).replaceAll("\\s+", " ") + "...");
                }
            }
        }
        assertThat(unclosed).as("backtick runs that close no code span").isEmpty();
    }

    /**
     * Where the first run of backticks that closes nothing starts, or -1. As CommonMark reads them: a run of n
     * backticks opens a span that the next run of exactly n closes.
     */
    static int unclosedRun(String block) {
        List<String> runs = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        Matcher run = RUN.matcher(block);
        while (run.find()) {
            runs.add(run.group());
            starts.add(run.start());
        }
        for (int i = 0; i < runs.size(); i++) {
            int closing = runs.subList(i + 1, runs.size()).indexOf(runs.get(i));
            if (closing < 0) {
                return starts.get(i);
            }
            i += closing + 1;
        }
        return -1;
    }

    /** Paragraphs and list items outside fenced code; each table row on its own (a span cannot leave its cell). */
    private static List<String> blocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            if (line.isBlank() || line.startsWith("|") || line.startsWith("#")) {
                blocks.add(block.toString());
                block.setLength(0);
                if (!line.isBlank()) {
                    blocks.add(line);
                }
                continue;
            }
            block.append(line).append('\n');
        }
        blocks.add(block.toString());
        return blocks;
    }
}
