package io.streamgrid.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every KCQL example in the docs, with the connector it is written for, so a test can run each through that
 * connector's own validation. Where a statement is found, and whose it is:
 * <ul>
 *   <li>a {@code connect.<hazelcast|mqtt|coap>.kcql} key, in a {@code .properties} or {@code .json} config or on a
 *       line of a fenced block ({@code key=...} or {@code "key": "..."}): that key's connector
 *       ({@code connect.mqtt.kcql}: the MQTT sink in a config whose connector.class is the sink's or on an mqtt-sink
 *       page, else the source; {@code connect.hazelcast.kcql}: the Hazelcast source so, else the sink);</li>
 *   <li>a line of a fenced block that starts with INSERT or UPSERT (lines after it that start with neither, nor with
 *       {@code --}, continue it): the connector the last {@code -- Hazelcast sink|MQTT source|CoAP source|MQTT sink|
 *       Hazelcast source} comment of the block names, else the page's;</li>
 *   <li>an inline code span that starts with INSERT or UPSERT: the page's connector;</li>
 *   <li>a KCQL checker command ({@code java -jar .../kcql-parser-<version>.jar [--connector c] "..."}, or the
 *       statements piped in with {@code echo}): the {@code --connector} one, and the command itself is run.</li>
 * </ul>
 * A page's connector: hazelcast-sink*.md the sink, mqtt-source*.md the MQTT source, coap-source*.md the CoAP
 * source, mqtt-sink*.md the MQTT sink, hazelcast-source*.md the Hazelcast source, coap-sink*.md the CoAP sink; a
 * statement on any other page, without a comment naming its connector, must be one every connector takes (but the
 * Hazelcast source, which takes only statements with WITHTYPE, and the CoAP sink, which takes only coap:// URIs).
 * A synopsis ({@code <placeholder>}, {@code ...}, {@code [optional]} outside quotes) or a fragment without
 * {@code SELECT ... FROM} is no example. Fenced blocks that show an error ({@code KCQL error at ...}, {@code Invalid
 * value for ...}) show output, not examples; the output a checker command is shown with is compared with its own.
 */
final class KcqlExamples {

    /** A connector, as the docs, its config key and its packaged plugin name it. */
    enum OurConnector {
        SINK("sink", "Hazelcast sink", "connect.hazelcast.kcql", "hazelcast-sink", "connect-hazelcast-sink",
                "io.streamgrid.hazelcast.HazelcastSinkConnector"),
        MQTT("mqtt", "MQTT source", "connect.mqtt.kcql", "mqtt-source", "connect-mqtt-source",
                "io.streamgrid.mqtt.MqttSourceConnector"),
        COAP("coap", "CoAP source", "connect.coap.kcql", "coap-source", "connect-coap-source",
                "io.streamgrid.coap.CoapSourceConnector"),
        /** Shares its plugin and its kcql key with the MQTT source: its page or its connector.class tells them apart. */
        MQTT_SINK("mqtt-sink", "MQTT sink", "connect.mqtt.kcql", "mqtt-sink", "connect-mqtt-source",
                "io.streamgrid.mqtt.sink.MqttSinkConnector"),
        /** Shares its plugin and its kcql key with the Hazelcast sink, as the MQTT sink does with the MQTT source. */
        HAZELCAST_SOURCE("hazelcast-source", "Hazelcast source", "connect.hazelcast.kcql", "hazelcast-source",
                "connect-hazelcast-sink", "io.streamgrid.hazelcast.source.HazelcastSourceConnector"),
        /** Shares its plugin and its kcql key with the CoAP source, as the MQTT sink does with the MQTT source. */
        COAP_SINK("coap-sink", "CoAP sink", "connect.coap.kcql", "coap-sink", "connect-coap-source",
                "io.streamgrid.coap.sink.CoapSinkConnector");

        final String option;
        final String title;
        final String kcqlKey;
        /** Its pages' names start so: mqtt-sink.md, mqtt-sink-config.md. */
        final String page;
        final String module;
        final String connectorClass;

        OurConnector(String option, String title, String kcqlKey, String page, String module, String connectorClass) {
            this.option = option;
            this.title = title;
            this.kcqlKey = kcqlKey;
            this.page = page;
            this.module = module;
            this.connectorClass = connectorClass;
        }

        static Optional<OurConnector> byOption(String option) {
            return Stream.of(values()).filter(c -> c.option.equalsIgnoreCase(option)).findFirst();
        }

        /**
         * The connector a config key ({@code connect.mqtt.kcql}, old name {@code connect.hazelcast.sink.kcql}) is of;
         * of two with one key (the MQTT source and sink), the one in {@code context} (the page's, the config's
         * connector.class), else the first.
         */
        static Optional<OurConnector> byKey(String key, Set<OurConnector> context) {
            List<OurConnector> keyed = Stream.of(values()).filter(c -> key.equals(c.kcqlKey)
                    || key.equals(c.kcqlKey.replace(".kcql", ".sink.kcql"))).toList();
            return keyed.stream().filter(context::contains).findFirst().or(() -> keyed.stream().findFirst());
        }

        /** The connector a config's connector.class names, as a context for {@link #byKey}. */
        static Set<OurConnector> byClass(String connectorClass) {
            return Stream.of(values()).filter(c -> c.connectorClass.equals(connectorClass))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(OurConnector.class)));
        }

        /** The connector a {@code -- Hazelcast sink: ...} comment names. */
        static Optional<OurConnector> byComment(String comment) {
            String text = comment.toLowerCase(Locale.ROOT);
            return Stream.of(values()).filter(c -> text.startsWith(c.title.toLowerCase(Locale.ROOT))).findFirst();
        }

        /**
         * The connectors a statement on a page of no connector, without a comment naming one, must suit: all but the
         * Hazelcast source, every statement of which names a WITHTYPE that the others refuse, and the CoAP sink, whose
         * target is a coap:// URI that no other connector takes for one.
         */
        static EnumSet<OurConnector> everyOneForAnyStatement() {
            return EnumSet.complementOf(EnumSet.of(HAZELCAST_SOURCE, COAP_SINK));
        }

        /** The connector a page is about, by its file name. */
        static Optional<OurConnector> byPage(Path page) {
            String name = page.getFileName().toString();
            return Stream.of(values()).filter(c -> name.startsWith(c.page)).findFirst();
        }
    }

    /** A KCQL value found at {@code place} ("docs/kcql.md:55"), for each of {@code connectors}. */
    record Example(String place, String kcql, Set<OurConnector> connectors) {
        @Override
        public String toString() {
            return place + " " + connectors + ": " + kcql;
        }
    }

    /** A KCQL checker command: its arguments after the jar, its standard input (or null), and the output shown. */
    record CheckerRun(String place, List<String> args, String stdin, List<String> shownOutput) {
        @Override
        public String toString() {
            return place + ": " + String.join(" ", args);
        }
    }

    /** A statement-like text that is no example, and why. */
    record Skipped(String place, String text, String why) {
    }

    private static final Pattern STATEMENT = Pattern.compile("(?i)^(INSERT|UPSERT)\\s+INTO\\b.*", Pattern.DOTALL);
    private static final Pattern WHOLE_STATEMENT = Pattern.compile(
            "(?is)^(INSERT|UPSERT)\\s+INTO\\s+\\S.*\\sSELECT\\s.*\\sFROM\\s+\\S.*");
    private static final Pattern QUOTED = Pattern.compile("'(?:[^']|'')*'|`(?:[^`]|``)*`");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Za-z][A-Za-z _-]*>|\\.\\.\\.|\\[");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
    private static final Pattern KEY_LINE = Pattern.compile(
            "^\\s*(connect\\.[a-z.]+\\.kcql)\\s*[=:]\\s*(.*)$");
    private static final Pattern JSON_KEY = Pattern.compile("\"(connect\\.[a-z.]+\\.kcql)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Pattern CHECKER = Pattern.compile(
            "^(?<prompt>\\$\\s+)?(?:echo\\s+(?<stdin>'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\")\\s*\\|\\s*)?"
                    + "java\\s+-jar\\s+\\S*kcql-parser-\\S*\\.jar(?<args>.*)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Example> examples = new ArrayList<>();
    final List<CheckerRun> checkerRuns = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();
    private final Path root;

    KcqlExamples(Path root) {
        this.root = root;
    }

    /** README.md, docs/*.md and config-examples/* under {@code root}. */
    static KcqlExamples ofProject(Path root) throws IOException {
        KcqlExamples found = new KcqlExamples(root);
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        files.addAll(list(root.resolve("docs"), ".md"));
        files.addAll(list(root.resolve("config-examples"), ""));
        for (Path file : files) {
            found.read(file);
        }
        return found;
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    void read(Path file) throws IOException {
        String name = file.getFileName().toString();
        String text = Files.readString(file);
        if (name.endsWith(".properties")) {
            readProperties(file, text);
        } else if (name.endsWith(".json")) {
            readJson(file, text);
        } else if (name.endsWith(".md")) {
            readMarkdown(file, text);
        }
    }

    private String place(Path file, int line) {
        return (file.startsWith(root) ? root.relativize(file) : file) + (line > 0 ? ":" + line : "");
    }

    private void readProperties(Path file, String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        Set<OurConnector> context = OurConnector.byClass(properties.getProperty("connector.class", ""));
        for (String key : properties.stringPropertyNames()) {
            OurConnector.byKey(key, context).ifPresent(c -> add(place(file, lineOf(text, key)),
                    properties.getProperty(key), EnumSet.of(c)));
        }
    }

    private void readJson(Path file, String text) throws IOException {
        JsonNode config = JSON.readTree(text).path("config");
        Set<OurConnector> context = OurConnector.byClass(config.path("connector.class").asText());
        config.fieldNames().forEachRemaining(key -> OurConnector.byKey(key, context).ifPresent(
                c -> add(place(file, lineOf(text, "\"" + key + "\"")), config.get(key).asText(), EnumSet.of(c))));
    }

    private static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        return at < 0 ? 0 : (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    private void readMarkdown(Path file, String text) {
        Set<OurConnector> pageConnectors = OurConnector.byPage(file).map(EnumSet::of)
                .orElseGet(OurConnector::everyOneForAnyStatement);
        String[] lines = text.split("\n", -1);
        StringBuilder prose = new StringBuilder();
        int i = 0;
        while (i < lines.length) {
            Matcher fence = FENCE.matcher(lines[i]);
            if (!fence.matches()) {
                prose.append(lines[i]).append('\n');
                i++;
                continue;
            }
            String marker = fence.group(1);
            int start = i + 1;
            int end = start;
            String closing = marker.charAt(0) + "{" + marker.length() + ",}"; // ` and ~ are no regex operators
            while (end < lines.length && !lines[end].strip().matches(closing)) {
                end++;
            }
            readBlock(file, lines, start, end, pageConnectors);
            for (int k = i; k <= Math.min(end, lines.length - 1); k++) {
                prose.append('\n'); // fenced lines are no prose; keep the line count
            }
            i = end + 1;
        }
        readSpans(file, prose.toString(), pageConnectors);
    }

    /** The lines {@code start} (inclusive) to {@code end} (exclusive) of a fenced block. */
    private void readBlock(Path file, String[] lines, int start, int end, Set<OurConnector> pageConnectors) {
        boolean output = false;
        for (int k = start; k < end; k++) {
            String line = lines[k].strip();
            output |= line.startsWith("KCQL error at") || line.startsWith("Invalid value for");
        }
        Set<OurConnector> connectors = pageConnectors;
        int k = start;
        while (k < end) {
            String line = lines[k].strip();
            Matcher checker = CHECKER.matcher(line);
            Matcher key = KEY_LINE.matcher(line);
            Matcher json = JSON_KEY.matcher(line);
            if (checker.matches()) {
                k = readChecker(file, lines, k, end, checker);
                continue;
            }
            String here = place(file, k + 1);
            if (json.find()) {
                String value = unquoteJson(json.group(2));
                OurConnector.byKey(json.group(1), pageConnectors).ifPresent(c -> add(here, value, EnumSet.of(c)));
            } else if (key.matches()) {
                OurConnector.byKey(key.group(1), pageConnectors)
                        .ifPresent(c -> add(here, key.group(2), EnumSet.of(c)));
            } else if (line.startsWith("--")) {
                Optional<OurConnector> named = OurConnector.byComment(line.substring(2).strip());
                if (named.isPresent()) {
                    connectors = EnumSet.of(named.get());
                }
            } else if (!output && STATEMENT.matcher(line).matches()) {
                StringBuilder statement = new StringBuilder(line);
                while (k + 1 < end && continues(lines[k + 1])) {
                    statement.append(' ').append(lines[++k].strip());
                }
                add(here, statement.toString(), connectors);
            }
            k++;
        }
    }

    private static boolean continues(String next) {
        String line = next.strip();
        return !line.isEmpty() && !line.startsWith("--") && !STATEMENT.matcher(line).matches();
    }

    /** A checker command at line {@code k}; returns the index of the line after it and the output shown with it. */
    private int readChecker(Path file, String[] lines, int k, int end, Matcher checker) {
        List<String> args = ShellWords.split(checker.group("args"));
        String stdin = checker.group("stdin") == null ? null : ShellWords.split(checker.group("stdin")).get(0);
        List<String> shown = new ArrayList<>();
        int next = k + 1;
        if (checker.group("prompt") != null) {
            while (next < end && !lines[next].startsWith("$ ")) {
                shown.add(lines[next]);
                next++;
            }
            while (!shown.isEmpty() && shown.get(shown.size() - 1).isBlank()) {
                shown.remove(shown.size() - 1);
            }
        }
        String place = place(file, k + 1);
        checkerRuns.add(new CheckerRun(place, args, stdin, shown));
        int option = args.indexOf("--connector");
        Optional<OurConnector> connector = option >= 0 && option + 1 < args.size()
                ? OurConnector.byOption(args.get(option + 1)) : Optional.empty();
        List<String> statements = args.stream().filter(a -> STATEMENT.matcher(a).matches()).toList();
        if (connector.isPresent() && shown.isEmpty()) { // a statement the docs show passing: the connector takes it
            (stdin != null ? List.of(stdin) : statements).forEach(s -> add(place, s, EnumSet.of(connector.get())));
        }
        return next;
    }

    /** Inline code spans, which may run over line breaks but not over a blank line. */
    private void readSpans(Path file, String prose, Set<OurConnector> pageConnectors) {
        int i = 0;
        while (i < prose.length()) {
            if (prose.charAt(i) != '`') {
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < prose.length() && prose.charAt(runEnd) == '`') {
                runEnd++;
            }
            int length = runEnd - i;
            int close = closingRun(prose, runEnd, length);
            if (close < 0) {
                i = runEnd;
                continue;
            }
            String content = prose.substring(runEnd, close).replace('\n', ' ').replace("\\|", "|");
            if (content.startsWith(" ") && content.endsWith(" ") && !content.isBlank()) {
                content = content.substring(1, content.length() - 1);
            }
            if (STATEMENT.matcher(content).matches()) {
                int line = (int) prose.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
                add(place(file, line), content, pageConnectors);
            }
            i = close + length;
        }
    }

    /** Where the run of {@code length} backticks closing a span opened before {@code from} starts; -1: none. */
    private static int closingRun(String prose, int from, int length) {
        int i = from;
        while (i < prose.length()) {
            char c = prose.charAt(i);
            if (c == '\n' && prose.substring(i + 1).matches("(?s)[ \\t]*\n.*")) {
                return -1; // a blank line ends the paragraph
            }
            if (c != '`') {
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < prose.length() && prose.charAt(runEnd) == '`') {
                runEnd++;
            }
            if (runEnd - i == length) {
                return i;
            }
            i = runEnd;
        }
        return -1;
    }

    private void add(String place, String kcql, Set<OurConnector> connectors) {
        String text = kcql.strip();
        String bare = QUOTED.matcher(text).replaceAll("''");
        if (PLACEHOLDER.matcher(bare).find()) {
            skipped.add(new Skipped(place, text, "a synopsis with placeholders"));
        } else if (!WHOLE_STATEMENT.matcher(text).matches()) {
            skipped.add(new Skipped(place, text, "a fragment without SELECT ... FROM"));
        } else {
            examples.add(new Example(place, text, Set.copyOf(connectors)));
        }
    }

    private static String unquoteJson(String quoted) {
        try {
            return JSON.readValue(quoted, String.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For a report: how many examples each file gave. */
    Map<String, Long> countsByFile() {
        Map<String, Long> counts = new TreeMap<>();
        examples.forEach(e -> counts.merge(e.place().replaceAll(":\\d+$", ""), 1L, Long::sum));
        return counts;
    }
}
