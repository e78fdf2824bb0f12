package io.streamgrid.kcql;

import io.streamgrid.kcql.grammar.KcqlLexer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Turns the first syntax error into a {@link KcqlException} that names what was expected, in words. */
final class ThrowingErrorListener extends BaseErrorListener {

    private final String input;

    ThrowingErrorListener(String input) {
        this.input = input;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        Token token = offendingSymbol instanceof Token t ? t : null;
        List<String> expected = expectedTokens(recognizer, e);
        String offending = token == null || token.getType() == Token.EOF ? Kcql.END_OF_INPUT : token.getText();
        Position position = new Position(Math.max(1, line), charPositionInLine + 1);
        if (token != null && token.getType() == KcqlLexer.UNTERMINATED_QUOTED_NAME) {
            throw KcqlException.inInput(input, position, offending, expected,
                    "this `quoted name` has no closing backtick");
        }
        if (token != null && token.getType() == KcqlLexer.UNTERMINATED_STRING) {
            throw KcqlException.inInput(input, position, offending, expected, "this 'string' has no closing quote");
        }
        throw KcqlException.syntax(input, position, offending, expected, unexpected(token, offending));
    }

    private static String unexpected(Token token, String offending) {
        if (token == null || token.getType() == Token.EOF) {
            return "unexpected end of input";
        }
        return token.getType() == KcqlLexer.UNEXPECTED_CHAR ? "unexpected character '" + offending + "'"
                : "unexpected '" + offending + "'";
    }

    private static List<String> expectedTokens(Recognizer<?, ?> recognizer, RecognitionException e) {
        IntervalSet set = null;
        if (e != null) {
            set = e.getExpectedTokens();
        }
        if ((set == null || set.isNil()) && recognizer instanceof Parser parser) {
            set = parser.getExpectedTokens();
        }
        if (set == null) {
            return List.of();
        }
        List<Integer> types = set.toList();
        boolean name = types.contains(KcqlLexer.NAME);
        Set<String> words = new LinkedHashSet<>();
        for (int type : types) {
            if (name && (isKeyword(type) || type == KcqlLexer.INT)) {
                continue; // a keyword or a number is a name here too: "a name" says it
            }
            words.add(describe(type));
        }
        return new ArrayList<>(words);
    }

    static boolean isKeyword(int type) {
        return type >= KcqlLexer.INSERT && type <= KcqlLexer.FALSE;
    }

    private static String describe(int type) {
        return switch (type) {
            case Token.EOF -> Kcql.END_OF_INPUT;
            case KcqlLexer.NAME, KcqlLexer.QUOTED_NAME -> "a name";
            case KcqlLexer.INT -> "a whole number";
            case KcqlLexer.STRING -> "a 'quoted string'";
            case KcqlLexer.PATH_WILDCARD -> "a path ending in .*";
            case KcqlLexer.STAR -> "'*'";
            case KcqlLexer.COMMA -> "','";
            case KcqlLexer.EQUALS -> "'='";
            case KcqlLexer.NOT_EQUAL -> "'!='";
            case KcqlLexer.LESS -> "'<'";
            case KcqlLexer.LESS_EQUAL -> "'<='";
            case KcqlLexer.GREATER -> "'>'";
            case KcqlLexer.GREATER_EQUAL -> "'>='";
            case KcqlLexer.LPAREN -> "'('";
            case KcqlLexer.RPAREN -> "')'";
            case KcqlLexer.SEMICOLON -> "';'";
            default -> KcqlLexer.VOCABULARY.getSymbolicName(type);
        };
    }
}
