package io.streamgrid.kcql;

import io.streamgrid.kcql.grammar.KcqlLexer;
import io.streamgrid.kcql.grammar.KcqlParser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.RuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns the first syntax error into a {@link KcqlException} that names what was expected, in words. Inside a
 * condition it says which operator lacks its right-hand side and why a reserved word was not taken as a field;
 * the expected list never offers a clause the statement already has.
 */
final class ThrowingErrorListener extends BaseErrorListener {

    /** The words a condition is built of: reserved inside a condition, names everywhere else. */
    private static final Set<Integer> RESERVED_IN_CONDITION = Set.of(KcqlLexer.AND, KcqlLexer.OR, KcqlLexer.NOT,
            KcqlLexer.IS, KcqlLexer.NULL, KcqlLexer.IN, KcqlLexer.LIKE, KcqlLexer.BETWEEN);
    private static final Set<Integer> COMPARATORS = Set.of(KcqlLexer.EQUALS, KcqlLexer.NOT_EQUAL, KcqlLexer.LESS,
            KcqlLexer.LESS_EQUAL, KcqlLexer.GREATER, KcqlLexer.GREATER_EQUAL);
    private static final Set<Integer> JOINERS = Set.of(KcqlLexer.AND, KcqlLexer.OR, KcqlLexer.NOT);
    private static final String FIELD = "a field";

    private final String input;

    ThrowingErrorListener(String input) {
        this.input = input;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        Token token = offendingSymbol instanceof Token t ? t : null;
        RuleContext context = recognizer instanceof Parser parser ? parser.getContext() : null;
        boolean inCondition = within(context, KcqlParser.RULE_condition);
        List<String> expected = expectedTokens(recognizer, e, context, inCondition, token);
        String offending = token == null || token.getType() == Token.EOF ? Kcql.END_OF_INPUT : token.getText();
        Position position = new Position(Math.max(1, line), charPositionInLine + 1);
        if (token != null && token.getType() == KcqlLexer.UNTERMINATED_QUOTED_NAME) {
            throw KcqlException.inInput(input, position, offending, expected,
                    "this `quoted name` has no closing backtick");
        }
        if (token != null && token.getType() == KcqlLexer.UNTERMINATED_STRING) {
            throw KcqlException.inInput(input, position, offending, expected, "this 'string' has no closing quote");
        }
        String unexpected = unexpected(token, offending);
        if (inCondition && token != null && recognizer instanceof Parser parser) {
            Token previous = previous(parser.getInputStream(), token);
            boolean joins = previous != null && JOINERS.contains(previous.getType())
                    && !within(context, KcqlParser.RULE_predicate); // a NOT there belongs to IN, LIKE, BETWEEN
            unexpected = inCondition(token, previous, joins, unexpected, expected);
        }
        throw KcqlException.syntax(input, position, offending, expected, unexpected);
    }

    private static String unexpected(Token token, String offending) {
        if (token == null || token.getType() == Token.EOF) {
            return "unexpected end of input";
        }
        return token.getType() == KcqlLexer.UNEXPECTED_CHAR ? "unexpected character '" + offending + "'"
                : "unexpected '" + offending + "'";
    }

    /**
     * Says which operator lacks what follows it ({@code temperature > AND ...}), and why a reserved word written
     * where a field could stand was not taken as one.
     */
    private static String inCondition(Token token, Token previous, boolean joins, String unexpected,
                                      List<String> expected) {
        String reason = unexpected;
        if (previous != null && COMPARATORS.contains(previous.getType())) {
            reason = "'" + previous.getText() + "' has no right-hand side: " + reason;
        } else if (joins) {
            reason = "'" + keyword(previous) + "' has no condition on its right: " + reason;
        }
        if (RESERVED_IN_CONDITION.contains(token.getType()) && expected.contains(FIELD)) {
            reason += reservedHint(token);
        } else if (previous != null && RESERVED_IN_CONDITION.contains(previous.getType())
                && COMPARATORS.contains(token.getType())) {
            reason += reservedHint(previous);
        }
        return reason;
    }

    private static String reservedHint(Token word) {
        return " (" + keyword(word) + " is reserved in a condition: write a field of that name as `" + word.getText()
                + "`)";
    }

    private static String keyword(Token token) {
        return token.getText().toUpperCase(Locale.ROOT);
    }

    private static Token previous(TokenStream tokens, Token token) {
        int index = token.getTokenIndex();
        return index > 0 ? tokens.get(index - 1) : null;
    }

    private static boolean within(RuleContext context, int rule) {
        for (RuleContext c = context; c != null; c = c.parent) {
            if (c.getRuleIndex() == rule) {
                return true;
            }
        }
        return false;
    }

    private static List<String> expectedTokens(Recognizer<?, ?> recognizer, RecognitionException e,
                                               RuleContext context, boolean inCondition, Token offending) {
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
        List<Integer> types = new ArrayList<>(set.toList());
        KcqlParser.StatementContext statement = enclosingStatement(context);
        if (statement != null) {
            types.removeAll(clausesGiven(statement));
            if (!inCondition && conditionEndsBefore(statement, offending)) {
                types.addAll(0, List.of(KcqlLexer.AND, KcqlLexer.OR)); // the condition could go on
            }
        }
        if (inCondition) {
            return conditionWords(types);
        }
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

    /**
     * What may come next inside a condition: a field or a value where an operand may stand, and the reserved
     * words themselves (they are no field there). NULL only after IS: as an operand it is refused.
     */
    private static List<String> conditionWords(List<Integer> types) {
        boolean names = types.contains(KcqlLexer.NAME);
        boolean operand = names && types.contains(KcqlLexer.STRING);
        Set<String> words = new LinkedHashSet<>();
        types.sort(Comparator.comparingInt(ThrowingErrorListener::conditionRank));
        for (int type : types) {
            if (operand && type == KcqlLexer.NULL) {
                continue;
            }
            if (type == KcqlLexer.NAME || type == KcqlLexer.QUOTED_NAME) {
                words.add(FIELD);
                words.add("a number");
            } else if (type == KcqlLexer.INT) {
                words.add("a number");
            } else if (!names || !isKeyword(type) || RESERVED_IN_CONDITION.contains(type)
                    || type == KcqlLexer.TRUE || type == KcqlLexer.FALSE) {
                words.add(describe(type)); // other keywords are field names here: "a field" says it
            }
        }
        return new ArrayList<>(words);
    }

    /** Inside a condition: '(', the operators, the reserved words, then operands, literals and the rest. */
    private static int conditionRank(int type) {
        if (type == KcqlLexer.LPAREN) {
            return 0;
        }
        if (COMPARATORS.contains(type)) {
            return 1;
        }
        if (RESERVED_IN_CONDITION.contains(type)) {
            return 2;
        }
        return switch (type) {
            case KcqlLexer.NAME, KcqlLexer.QUOTED_NAME -> 3;
            case KcqlLexer.INT -> 4;
            case KcqlLexer.STRING -> 5;
            case KcqlLexer.TRUE -> 6;
            case KcqlLexer.FALSE -> 7;
            default -> 8;
        };
    }

    private static KcqlParser.StatementContext enclosingStatement(RuleContext context) {
        for (RuleContext c = context; c != null; c = c.parent) {
            if (c instanceof KcqlParser.StatementContext statement) {
                return statement;
            }
        }
        return null;
    }

    /** The keywords that start the clauses the statement already has ({@code WITH FORMAT} is WITHFORMAT). */
    private static Set<Integer> clausesGiven(KcqlParser.StatementContext statement) {
        Set<Integer> given = new HashSet<>();
        for (KcqlParser.ClauseContext clause : statement.clause()) {
            int type = clause.start.getType();
            given.add(type);
            if (type == KcqlLexer.WITH || type == KcqlLexer.WITHFORMAT) {
                given.add(KcqlLexer.WITH);
                given.add(KcqlLexer.WITHFORMAT);
            }
        }
        return given;
    }

    /** Whether the statement's WHERE condition ends right before the offending token, which AND or OR could be. */
    private static boolean conditionEndsBefore(KcqlParser.StatementContext statement, Token offending) {
        if (offending == null) {
            return false;
        }
        for (KcqlParser.ClauseContext clause : statement.clause()) {
            if (clause instanceof KcqlParser.WhereClauseContext where && where.condition() != null
                    && where.condition().stop != null
                    && where.condition().stop.getTokenIndex() == offending.getTokenIndex() - 1) {
                return true;
            }
        }
        return false;
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
