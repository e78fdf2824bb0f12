package io.streamgrid.kcql;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Command-line checker: {@code java -jar kcql-parser-<version>.jar "<statements>"}, or the statements
 * on standard input. Prints each statement as JSON and exits 0, or prints the error with its
 * line:column and a caret and exits 1.
 */
public final class KcqlCheck {

    private KcqlCheck() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println("usage: java -jar kcql-parser.jar \"<KCQL statements>\"   (or the statements on stdin)");
            out.println("Prints each statement as JSON and exits 0, or the first error with line:column and exits 1.");
            return 0;
        }
        String input = args.length == 0 || (args.length == 1 && args[0].equals("-"))
                ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : String.join(" ", args);
        try {
            out.println(KcqlJson.write(Kcql.parse(input)));
            return 0;
        } catch (KcqlException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
