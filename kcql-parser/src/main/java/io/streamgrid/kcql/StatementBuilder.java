package io.streamgrid.kcql;

import io.streamgrid.kcql.grammar.KcqlParser;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Builds the immutable {@link KcqlStatement} from one parse tree, checking what the grammar cannot. */
final class StatementBuilder {

    private static final Map<String, String> METADATA = Map.of(
            "_topic", "topic", "_partition", "partition", "_offset", "offset", "_timestamp", "timestamp");

    private final KcqlParser.StatementContext tree;
    private final String text;
    private final Position start;
    private final Map<Clause, Position> clausePositions = new EnumMap<>(Clause.class);

    private List<FieldPath> ignore = List.of();
    private List<FieldPath> primaryKeys = List.of();
    private Optional<Format> format = Optional.empty();
    private Optional<StoreAs> storeAs = Optional.empty();
    private List<FieldPath> keyFields = List.of();
    private Optional<String> keyDelimiter = Optional.empty();
    private Optional<String> converter = Optional.empty();
    private Optional<String> regex = Optional.empty();
    private OptionalLong ttl = OptionalLong.empty();
    private OptionalInt batch = OptionalInt.empty();
    private OptionalInt limit = OptionalInt.empty();
    private Map<String, String> properties = Map.of();
    private Optional<String> withType = Optional.empty();
    private Optional<Condition> where = Optional.empty();

    StatementBuilder(KcqlParser.StatementContext tree) {
        this.tree = tree;
        this.text = tree.start.getInputStream().getText(
                Interval.of(tree.start.getStartIndex(), tree.stop.getStopIndex()));
        this.start = position(tree.start);
    }

    KcqlStatement build() {
        WriteMode mode = tree.writeMode().INSERT() != null ? WriteMode.INSERT : WriteMode.UPSERT;
        String target = entityName(tree.target, "target");
        String source = entityName(tree.source, "source");
        List<SelectedField> fields = selection(tree.selection());
        for (KcqlParser.ClauseContext clause : tree.clause()) {
            apply(clause);
        }
        return new KcqlStatement(mode, target, source, fields, ignore, primaryKeys, format, storeAs, keyFields,
                keyDelimiter, converter, regex, ttl, batch, limit, properties, withType, where, text, start,
                clausePositions);
    }

    private List<SelectedField> selection(KcqlParser.SelectionContext selection) {
        List<SelectedField> fields = new ArrayList<>();
        Map<String, Token> named = new HashMap<>();
        for (KcqlParser.SelectItemContext item : selection.selectItem()) {
            if (item instanceof KcqlParser.SelectAllContext) {
                fields.add(SelectedField.all());
            } else if (item instanceof KcqlParser.SelectChildrenContext children) {
                Token token = children.PATH_WILDCARD().getSymbol();
                String written = token.getText();
                String prefix = written.substring(0, written.length() - 2);
                if (prefix.equalsIgnoreCase("_header") || METADATA.containsKey(prefix.toLowerCase(Locale.ROOT))) {
                    throw error(token, "'" + written + "': a wildcard selects the children of a value or key"
                            + " field, not headers or metadata");
                }
                FieldPath path = fieldPath(prefix, token);
                fields.add(new SelectedField(path, true, null));
            } else {
                KcqlParser.SelectFieldContext one = (KcqlParser.SelectFieldContext) item;
                FieldPath path = field(one.field());
                String alias = one.alias == null ? null : alias(one.alias);
                SelectedField field = new SelectedField(path, false, alias);
                Token at = one.alias != null ? one.alias.start : one.field().start;
                Token previous = named.putIfAbsent(field.outputName(), at);
                if (previous != null) {
                    throw error(at, "two selected fields are both named '" + field.outputName()
                            + "' (the first at line " + previous.getLine() + ", column "
                            + (previous.getCharPositionInLine() + 1) + "); give one of them another name with AS");
                }
                fields.add(field);
            }
        }
        return fields;
    }

    private void apply(KcqlParser.ClauseContext clause) {
        if (clause instanceof KcqlParser.IgnoreClauseContext c) {
            mark(Clause.IGNORE, c);
            ignore = fieldList(c.fieldList());
            for (int i = 0; i < ignore.size(); i++) {
                FieldPath path = ignore.get(i);
                if (path.kind() != FieldKind.VALUE || path.segments().isEmpty()) {
                    throw error(c.fieldList().field(i).start,
                            "IGNORE takes fields of the record value; '" + path + "' is not one");
                }
            }
        } else if (clause instanceof KcqlParser.PkClauseContext c) {
            mark(Clause.PK, c);
            primaryKeys = fieldList(c.fieldList());
        } else if (clause instanceof KcqlParser.FormatClauseContext c) {
            mark(Clause.WITHFORMAT, c);
            String name = identifierText(c.formatName);
            format = Optional.of(Format.byName(name).orElseThrow(() -> error(c.formatName.start,
                    "unknown format '" + name + "'; the formats are " + Format.names())));
        } else if (clause instanceof KcqlParser.StoreAsClauseContext c) {
            mark(Clause.STOREAS, c);
            String type = entityName(c.storeType, "STOREAS type");
            storeAs = Optional.of(new StoreAs(type, c.parameters() == null ? Map.of() : parameters(c.parameters())));
        } else if (clause instanceof KcqlParser.WithKeyClauseContext c) {
            mark(Clause.WITHKEY, c);
            keyFields = fieldList(c.fieldList());
        } else if (clause instanceof KcqlParser.KeyDelimiterClauseContext c) {
            mark(Clause.KEYDELIMITER, c);
            String delimiter = unquote(c.delimiter.start);
            if (delimiter.isEmpty()) {
                throw error(c.delimiter.start, "KEYDELIMITER must not be empty");
            }
            keyDelimiter = Optional.of(delimiter);
        } else if (clause instanceof KcqlParser.ConverterClauseContext c) {
            mark(Clause.WITHCONVERTER, c);
            converter = Optional.of(entityName(c.converterClass, "converter class"));
        } else if (clause instanceof KcqlParser.RegexClauseContext c) {
            mark(Clause.WITHREGEX, c);
            String pattern = unquote(c.regex.start);
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw error(c.regex.start, "WITHREGEX is not a valid regular expression: " + e.getDescription()
                        + " near index " + e.getIndex());
            }
            regex = Optional.of(pattern);
        } else if (clause instanceof KcqlParser.TtlClauseContext c) {
            mark(Clause.TTL, c);
            ttl = OptionalLong.of(positiveNumber(c.ttl, "TTL", Long.MAX_VALUE));
        } else if (clause instanceof KcqlParser.BatchClauseContext c) {
            mark(Clause.BATCH, c);
            batch = OptionalInt.of((int) positiveNumber(c.batch, "BATCH", Integer.MAX_VALUE));
        } else if (clause instanceof KcqlParser.LimitClauseContext c) {
            mark(Clause.LIMIT, c);
            limit = OptionalInt.of((int) positiveNumber(c.limit, "LIMIT", Integer.MAX_VALUE));
        } else if (clause instanceof KcqlParser.PropertiesClauseContext c) {
            mark(Clause.PROPERTIES, c);
            properties = parameters(c.parameters());
        } else if (clause instanceof KcqlParser.WithTypeClauseContext c) {
            mark(Clause.WITHTYPE, c);
            withType = Optional.of(entityName(c.sourceType, "WITHTYPE type"));
        } else if (clause instanceof KcqlParser.WhereClauseContext c) {
            mark(Clause.WHERE, c);
            where = Optional.of(condition(c.condition()));
        } else {
            throw error(clause.start, "unsupported clause '" + clause.start.getText() + "'");
        }
    }

    private Condition condition(KcqlParser.ConditionContext context) {
        if (context instanceof KcqlParser.GroupedConditionContext c) {
            return condition(c.condition());
        }
        if (context instanceof KcqlParser.NotConditionContext c) {
            return new Condition.Not(condition(c.condition()));
        }
        if (context instanceof KcqlParser.AndConditionContext c) {
            return new Condition.And(condition(c.condition(0)), condition(c.condition(1)));
        }
        if (context instanceof KcqlParser.OrConditionContext c) {
            return new Condition.Or(condition(c.condition(0)), condition(c.condition(1)));
        }
        KcqlParser.PredicateConditionContext c = (KcqlParser.PredicateConditionContext) context;
        Condition.Operand operand = operand(c.operand());
        KcqlParser.PredicateContext predicate = c.predicate();
        if (predicate instanceof KcqlParser.IsNullPredicateContext p) {
            return new Condition.IsNull(operand, p.NOT() != null);
        }
        if (predicate instanceof KcqlParser.NegatablePredicateContext p) {
            return negatable(operand, p.negatable(), p.NOT() != null);
        }
        KcqlParser.ComparisonPredicateContext p = (KcqlParser.ComparisonPredicateContext) predicate;
        Token operator = p.comparator().start;
        return comparison(operand, comparator(operator), operand(p.operand()), operator);
    }

    /** IN, LIKE and BETWEEN, which NOT before them negates. */
    private Condition negatable(Condition.Operand operand, KcqlParser.NegatableContext test, boolean negated) {
        if (test instanceof KcqlParser.InTestContext t) {
            List<Condition.Operand> values = t.operand().stream().map(this::operand).toList();
            return new Condition.In(operand, values, negated, position(t.IN().getSymbol()));
        }
        if (test instanceof KcqlParser.LikeTestContext t) {
            return new Condition.Like(operand, unquote(t.pattern), negated, position(t.LIKE().getSymbol()));
        }
        KcqlParser.BetweenTestContext t = (KcqlParser.BetweenTestContext) test;
        Condition range = between(operand, t);
        return negated ? new Condition.Not(range) : range;
    }

    /** {@code a BETWEEN x AND y} is SQL's shorthand for {@code a >= x AND a <= y}, and is kept as that. */
    private Condition between(Condition.Operand value, KcqlParser.BetweenTestContext t) {
        Token between = t.BETWEEN().getSymbol();
        return new Condition.And(
                comparison(value, Condition.Comparator.GREATER_EQUAL, operand(t.low), between),
                comparison(value, Condition.Comparator.LESS_EQUAL, operand(t.high), between));
    }

    private Condition.Comparison comparison(Condition.Operand left, Condition.Comparator comparator,
                                            Condition.Operand right, Token operator) {
        if (left instanceof Condition.Operand.Literal && right instanceof Condition.Operand.Literal) {
            throw error(operator, "a comparison reads at least one field; both sides here are literals");
        }
        return new Condition.Comparison(left, comparator, right, position(operator));
    }

    private static Condition.Comparator comparator(Token operator) {
        return switch (operator.getType()) {
            case KcqlParser.EQUALS -> Condition.Comparator.EQUAL;
            case KcqlParser.NOT_EQUAL -> Condition.Comparator.NOT_EQUAL;
            case KcqlParser.LESS -> Condition.Comparator.LESS;
            case KcqlParser.LESS_EQUAL -> Condition.Comparator.LESS_EQUAL;
            case KcqlParser.GREATER -> Condition.Comparator.GREATER;
            default -> Condition.Comparator.GREATER_EQUAL;
        };
    }

    /** A literal or a field; a bare name that reads as a number (3.5, -2, 1e3) is a number. */
    private Condition.Operand operand(KcqlParser.OperandContext context) {
        if (context instanceof KcqlParser.StringOperandContext c) {
            return new Condition.Operand.Literal(unquote(c.STRING().getSymbol()));
        }
        if (context instanceof KcqlParser.BooleanOperandContext c) {
            return new Condition.Operand.Literal(c.TRUE() != null);
        }
        if (context instanceof KcqlParser.NullOperandContext c) {
            throw error(c.start, "a comparison with NULL is never true in SQL; write IS NULL or IS NOT NULL "
                    + "(or `null` in backticks for a field of that name)");
        }
        KcqlParser.ConditionFieldContext field = ((KcqlParser.FieldOperandContext) context).conditionField();
        if (field.QUOTED_NAME() == null && NUMBER.matcher(field.getText()).matches()) {
            return new Condition.Operand.Literal(new BigDecimal(field.getText()));
        }
        return new Condition.Operand.Field(field(field.QUOTED_NAME(), field), field.getText(), position(field.start));
    }

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private void mark(Clause clause, ParserRuleContext context) {
        Position here = position(context.start);
        Position first = clausePositions.putIfAbsent(clause, here);
        if (first != null) {
            throw error(context.start, "the " + clause.keyword() + " clause is given twice (first at line "
                    + first.line() + ", column " + first.column() + ")");
        }
    }

    private Map<String, String> parameters(KcqlParser.ParametersContext context) {
        Map<String, String> values = new LinkedHashMap<>();
        for (KcqlParser.ParameterContext parameter : context.parameter()) {
            String key = literal(parameter.key);
            if (key.isEmpty()) {
                throw error(parameter.key.start, "a parameter name must not be empty");
            }
            if (values.putIfAbsent(key, literal(parameter.value)) != null) {
                throw error(parameter.key.start, "the parameter '" + key + "' is given twice");
            }
        }
        return values;
    }

    private long positiveNumber(Token token, String clause, long max) {
        long value;
        try {
            value = Long.parseLong(token.getText());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > max) {
            throw error(token, clause + " must be a whole number from 1 to " + max + ", not " + token.getText());
        }
        return value;
    }

    private List<FieldPath> fieldList(KcqlParser.FieldListContext list) {
        return list.field().stream().map(this::field).toList();
    }

    private FieldPath field(KcqlParser.FieldContext field) {
        return field(field.QUOTED_NAME(), field);
    }

    /** A field as written: a `quoted name` is one value field, anything else a path. */
    private FieldPath field(TerminalNode quoted, ParserRuleContext field) {
        if (quoted != null) {
            return new FieldPath(FieldKind.VALUE, List.of(unquote(quoted.getSymbol())));
        }
        return fieldPath(field.getText(), field.start);
    }

    private FieldPath fieldPath(String written, Token at) {
        try {
            return FieldPath.parse(written);
        } catch (IllegalArgumentException e) {
            throw error(at, e.getMessage());
        }
    }

    private String alias(KcqlParser.IdentifierContext alias) {
        if (alias.QUOTED_NAME() != null) {
            return unquote(alias.QUOTED_NAME().getSymbol());
        }
        String name = alias.getText();
        if (name.contains(".")) {
            throw error(alias.start, "an alias is a single name, but '" + name
                    + "' has a dot; quote it with backticks to keep the dot");
        }
        return name;
    }

    private String entityName(KcqlParser.EntityNameContext context, String what) {
        String name = context.STRING() != null ? unquote(context.STRING().getSymbol()) : identifierText(context.identifier());
        if (name.isEmpty()) {
            throw error(context.start, "the " + what + " must not be empty");
        }
        return name;
    }

    private String literal(KcqlParser.LiteralContext context) {
        return context.STRING() != null ? unquote(context.STRING().getSymbol()) : identifierText(context.identifier());
    }

    private static String identifierText(KcqlParser.IdentifierContext id) {
        return id.QUOTED_NAME() != null ? unquote(id.QUOTED_NAME().getSymbol()) : id.getText();
    }

    /** Strips the quotes of a `name` or 'string'; a doubled quote inside stands for one. */
    private static String unquote(Token token) {
        String raw = token.getText();
        char quote = raw.charAt(0);
        if (quote != '`' && quote != '\'') {
            return raw;
        }
        String q = String.valueOf(quote);
        return raw.substring(1, raw.length() - 1).replace(q + q, q);
    }

    private static Position position(Token token) {
        return new Position(Math.max(1, token.getLine()), token.getCharPositionInLine() + 1);
    }

    private KcqlException error(Token token, String reason) {
        return KcqlException.inStatement(text, start, position(token), token.getText(), reason);
    }
}
