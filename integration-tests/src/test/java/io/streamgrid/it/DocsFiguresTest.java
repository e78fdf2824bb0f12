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
 * Benchmark figures have one source, the summary table of docs/benchmarks.md: a section of another page that
 * speaks of the benchmarks and restates a figure (a ratio such as 0.75–0.89, a multiple such as 9.7x, a p50/p99
 * latency) restates one of that table, so a re-run that changes the table cannot leave an older figure standing
 * elsewhere. The CHANGELOG keeps what was measured when each change was made and is left out.
 */
class DocsFiguresTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** 0.73 or 0.73–1.07 or 0.86–1.0x; not a version such as 3.14.0 or a CoAP code in a code span. */
    private static final Pattern RATIO = Pattern.compile("(?<![\\w.])\\d\\.\\d{2}(?:–\\d+\\.\\d+x?)?(?![.\\d])");
    /** 9.7x, 126x–244x, 1.0x. */
    private static final Pattern MULTIPLE = Pattern.compile("(?<![\\w.])\\d+(?:\\.\\d+)?x(?:–\\d+(?:\\.\\d+)?x)?\\b");
    /** 3–6 ms, 19.5 ms: counted where the clause speaks of a percentile. */
    private static final Pattern MILLIS = Pattern.compile("(?<![\\w.])\\d+(?:\\.\\d+)?(?:–\\d+(?:\\.\\d+)?)? ?ms\\b");
    private static final Pattern PERCENTILE = Pattern.compile("\\bp(?:50|99)\\b");
    /** A section that speaks of the benchmarks: it links to their page or names them. */
    private static final Pattern BENCHMARKS = Pattern.compile("(?i)benchmark");

    @Test
    void figuresOutsideTheBenchmarksPageAreTheSummarysOwn() throws IOException {
        String summary = prose(summary(Files.readString(ROOT.resolve("docs/benchmarks.md"))));
        assertThat(summary).as("docs/benchmarks.md's summary table").contains("| 1b |");
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"),
                ROOT.resolve("config-examples/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.endsWith("benchmarks.md")).sorted()
                    .forEach(pages::add);
        }
        List<String> strays = new ArrayList<>();
        for (Path page : pages) {
            for (String section : Files.readString(page).split("\n(?=#)")) {
                if (!BENCHMARKS.matcher(section).find()) {
                    continue;
                }
                for (String figure : figures(prose(section))) {
                    if (!summary.contains(figure)) {
                        strays.add(ROOT.relativize(page) + ", " + section.lines().findFirst().orElse("") + ": "
                                + figure);
                    }
                }
            }
        }
        assertThat(strays).as("benchmark figures that are not in docs/benchmarks.md#summary (link to it instead)")
                .isEmpty();
    }

    /** The figures a text states, as the patterns find them. */
    static List<String> figures(String text) {
        List<String> figures = new ArrayList<>();
        for (Pattern pattern : List.of(RATIO, MULTIPLE)) {
            Matcher figure = pattern.matcher(text);
            while (figure.find()) {
                figures.add(figure.group());
            }
        }
        for (String clause : text.split("[.;:|(]\\s")) {
            if (PERCENTILE.matcher(clause).find()) {
                Matcher figure = MILLIS.matcher(clause);
                while (figure.find()) {
                    figures.add(figure.group());
                }
            }
        }
        return figures;
    }

    /** The text outside fenced code blocks and code spans, lines joined by spaces. */
    static String prose(String markdown) {
        StringBuilder prose = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                prose.append(line.replaceAll("``.*?``|`[^`]*`", "")).append(' ');
            }
        }
        return prose.toString();
    }

    private static String summary(String benchmarks) {
        int start = benchmarks.indexOf("\n## Summary\n");
        assertThat(start).as("docs/benchmarks.md has a '## Summary' section").isNotNegative();
        int end = benchmarks.indexOf("\n## ", start + 1);
        return benchmarks.substring(start, end < 0 ? benchmarks.length() : end);
    }
}
