package io.streamgrid.kcql;

import io.streamgrid.kcql.grammar.KcqlLexer;
import io.streamgrid.kcql.grammar.KcqlParser;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/**
 * Parses KCQL. Every input either yields statements or throws {@link KcqlException} with the
 * position of the fault; nothing is skipped and no other exception escapes.
 */
public final class Kcql {

    static final String END_OF_INPUT = "end of input";

    private Kcql() {
    }

    /** Parses one or more statements separated by {@code ;} (a {@code ;} inside quotes does not separate). */
    public static List<KcqlStatement> parse(String input) {
        if (input == null || input.isBlank()) {
            throw KcqlException.inInput("", new Position(1, 1), END_OF_INPUT, List.of("INSERT", "UPSERT"),
                    "no KCQL statement given: expected INSERT INTO or UPSERT INTO");
        }
        KcqlLexer lexer = new KcqlLexer(CharStreams.fromString(input));
        lexer.removeErrorListeners();
        KcqlParser parser = new KcqlParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(new ThrowingErrorListener(input));
        KcqlParser.StatementsContext tree = parser.statements();
        return tree.statement().stream().map(s -> new StatementBuilder(s).build()).toList();
    }

    /** Parses input that must hold exactly one statement. */
    public static KcqlStatement parseOne(String input) {
        List<KcqlStatement> statements = parse(input);
        if (statements.size() != 1) {
            KcqlStatement second = statements.get(1);
            throw second.errorAt(second.start(), second.text(),
                    "expected a single KCQL statement but found " + statements.size());
        }
        return statements.get(0);
    }
}
