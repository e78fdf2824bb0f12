package io.streamgrid.kcql;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The KCQL checker: {@code java -jar kcql-parser-<version>.jar [--connector sink|mqtt|coap|hazelcast-source|mqtt-sink|coap-sink]
 * "<statements>"}, or
 * the statements on standard input. Without {@code --connector} it checks the grammar; with it, also what that
 * connector accepts ({@link KcqlConnector}, the same capabilities its {@code kcql} key applies). Prints each
 * statement as JSON and exits 0, prints the error with its line:column and a caret and exits 1, or exits 2 on a
 * command line it does not understand.
 */
public final class KcqlCheck {

    static final String USAGE = "usage: java -jar kcql-parser-<version>.jar [--connector " + KcqlConnector.options()
            + "] \"<KCQL statements>\"   (or the statements on stdin)";
    private static final String CONNECTOR = "--connector";

    private KcqlCheck() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** What the command line asks for: the connector whose capabilities apply (none: the grammar), the statements. */
    private record Request(Optional<KcqlConnector> connector, List<String> statements) {
    }

    /** A command line the checker does not understand; exit code 2. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            out.println("Prints each statement as JSON and exits 0, or the first error with line:column and exits 1;"
                    + " exits 2 on a command line it does not understand.");
            out.println("--connector checks what that connector accepts (write modes, clauses, STOREAS and WITHTYPE"
                    + " types, formats, field kinds), as its kcql key does; without it, the grammar only. The connector's validate"
                    + " also checks what needs its own code (STOREAS parameters, converters, topic names).");
            return 0;
        }
        Request request;
        try {
            request = parse(args);
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        List<String> statements = request.statements();
        String input = statements.isEmpty() || (statements.size() == 1 && statements.get(0).equals("-"))
                ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : String.join(" ", statements);
        try {
            List<KcqlStatement> parsed = request.connector().map(c -> c.capabilities().parse(input))
                    .orElseGet(() -> Kcql.parse(input));
            out.println(KcqlJson.write(parsed));
            return 0;
        } catch (KcqlException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static Request parse(String[] args) throws UsageException {
        Optional<KcqlConnector> connector = Optional.empty();
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            String arg = args[i];
            String name;
            if (arg.equals(CONNECTOR)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(CONNECTOR + " needs a value: " + choices());
                }
                name = args[i + 1];
                i += 2;
            } else if (arg.startsWith(CONNECTOR + "=")) {
                name = arg.substring(CONNECTOR.length() + 1);
                i++;
            } else {
                throw new UsageException("unknown option '" + arg + "'");
            }
            connector = Optional.of(KcqlConnector.byOption(name).orElseThrow(() -> new UsageException(
                    "unknown connector '" + name + "' for " + CONNECTOR + "; use " + choices())));
        }
        return new Request(connector, Arrays.asList(args).subList(i, args.length));
    }

    /** {@code sink, mqtt, coap, hazelcast-source, mqtt-sink or coap-sink}. */
    private static String choices() {
        String[] options = KcqlConnector.options().split("\\|");
        return String.join(", ", Arrays.copyOf(options, options.length - 1)) + " or " + options[options.length - 1];
    }
}
