package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KcqlParserTest {

    private static KcqlStatement one(String kcql) {
        return Kcql.parseOne(kcql);
    }

    private static KcqlException error(String kcql) {
        try {
            Kcql.parse(kcql);
        } catch (KcqlException e) {
            return e;
        }
        throw new AssertionError("expected a KcqlException for: " + kcql);
    }

    @Nested
    class SeedStatements {

        @Test
        void ringbufferStatementWithTwoWordWithFormatAndTimestampField() {
            KcqlStatement s = one("INSERT INTO sensor_ringbuffer SELECT sensor_id, timestamp, temperature "
                    + "FROM coap_sensor_topic WITH FORMAT JSON");
            assertThat(s.writeMode()).isEqualTo(WriteMode.INSERT);
            assertThat(s.target()).isEqualTo("sensor_ringbuffer");
            assertThat(s.source()).isEqualTo("coap_sensor_topic");
            assertThat(s.fields()).extracting(SelectedField::path).containsExactly(
                    FieldPath.value("sensor_id"), FieldPath.value("timestamp"), FieldPath.value("temperature"));
            assertThat(s.format()).contains(Format.JSON);
            assertThat(s.storeAs()).isEmpty();
            assertThat(s.clausePositions()).containsOnlyKeys(Clause.WITHFORMAT);
        }

        @Test
        void queueStatement() {
            KcqlStatement s = one("INSERT INTO dev SELECT * FROM coap_sensor_topic WITHFORMAT JSON STOREAS QUEUE");
            assertThat(s.target()).isEqualTo("dev");
            assertThat(s.source()).isEqualTo("coap_sensor_topic");
            assertThat(s.fields()).containsExactly(SelectedField.all());
            assertThat(s.selectsAll()).isTrue();
            assertThat(s.format()).contains(Format.JSON);
            assertThat(s.storeAs()).contains(new StoreAs("QUEUE", Map.of()));
        }

        @Test
        void coapSourceStatement() {
            KcqlStatement s = one("INSERT INTO coap_sensor_topic SELECT * FROM sensors");
            assertThat(s.target()).isEqualTo("coap_sensor_topic");
            assertThat(s.source()).isEqualTo("sensors");
            assertThat(s.fields()).containsExactly(SelectedField.all());
            assertThat(s.clausePositions()).isEmpty();
        }
    }

    @Nested
    class Fields {

        @Test
        void everyFieldForm() {
            KcqlStatement s = one("INSERT INTO t SELECT *, a, a.b.c, a.*, a AS x, _key.id, _key, _key.*, "
                    + "_header.h, _header.h.inner, _value.v, _topic, _partition, _offset, _timestamp, `odd.name` "
                    + "FROM src");
            assertThat(s.fields()).containsExactly(
                    SelectedField.all(),
                    new SelectedField(FieldPath.value("a"), false, null),
                    new SelectedField(FieldPath.value("a", "b", "c"), false, null),
                    new SelectedField(FieldPath.value("a"), true, null),
                    new SelectedField(FieldPath.value("a"), false, "x"),
                    new SelectedField(FieldPath.key("id"), false, null),
                    new SelectedField(FieldPath.key(), false, null),
                    new SelectedField(FieldPath.key(), true, null),
                    new SelectedField(FieldPath.header("h"), false, null),
                    new SelectedField(FieldPath.header("h", "inner"), false, null),
                    new SelectedField(FieldPath.value("v"), false, null),
                    new SelectedField(FieldPath.metadata("topic"), false, null),
                    new SelectedField(FieldPath.metadata("partition"), false, null),
                    new SelectedField(FieldPath.metadata("offset"), false, null),
                    new SelectedField(FieldPath.metadata("timestamp"), false, null),
                    new SelectedField(FieldPath.value("odd.name"), false, null));
        }

        @Test
        void outputNamesComeFromAliasOrLastSegment() {
            KcqlStatement s = one("INSERT INTO t SELECT a.b.c, a AS x, _key, _topic, _header.h FROM src");
            assertThat(s.fields()).extracting(SelectedField::outputName)
                    .containsExactly("c", "x", "_key", "_topic", "h");
        }

        @ParameterizedTest
        @ValueSource(strings = {"timestamp", "format", "object", "key", "ttl", "batch", "limit", "select", "pk"})
        void keywordLikeFieldNames(String name) {
            KcqlStatement s = one("INSERT INTO t SELECT " + name + " FROM src PK " + name);
            assertThat(s.fields()).extracting(f -> f.path().segments()).containsExactly(List.of(name));
            assertThat(s.primaryKeys()).containsExactly(FieldPath.value(name));
        }

        @Test
        void quotedAliasMayHoldADot() {
            KcqlStatement s = one("INSERT INTO t SELECT a AS `x.y` FROM src");
            assertThat(s.fields().get(0).alias()).isEqualTo("x.y");
        }

        @Test
        void fieldNamedFromNeedsBackticks() {
            KcqlStatement s = one("INSERT INTO t SELECT `from` AS from FROM src");
            assertThat(s.fields()).containsExactly(new SelectedField(FieldPath.value("from"), false, "from"));
        }

        @Test
        void underscoreNamesThatAreNotReservedAreValueFields() {
            assertThat(one("INSERT INTO t SELECT _id, _keys FROM src").fields()).extracting(SelectedField::path)
                    .containsExactly(FieldPath.value("_id"), FieldPath.value("_keys"));
        }
    }

    @Nested
    class Clauses {

        @Test
        void everyClauseAtOnce() {
            KcqlStatement s = one("UPSERT INTO target SELECT a, b FROM source IGNORE c, d.e PK a, b "
                    + "WITHFORMAT AVRO STOREAS RING_BUFFER (overflow = FAIL, capacity = 100) WITHKEY(a, b.c) "
                    + "KEYDELIMITER = '|' WITHCONVERTER = `com.example.Conv` WITHREGEX = `^dev-[0-9]+$` "
                    + "TTL = 60000 BATCH = 500 LIMIT = 10 PROPERTIES('k1'='v1', 'k2' = 'v 2') WITHTYPE = X WHERE a > 1");
            assertThat(s.writeMode()).isEqualTo(WriteMode.UPSERT);
            assertThat(s.ignore()).containsExactly(FieldPath.value("c"), FieldPath.value("d", "e"));
            assertThat(s.primaryKeys()).containsExactly(FieldPath.value("a"), FieldPath.value("b"));
            assertThat(s.format()).contains(Format.AVRO);
            assertThat(s.storeAs()).hasValueSatisfying(st -> {
                assertThat(st.type()).isEqualTo("RING_BUFFER");
                assertThat(st.parameters()).containsExactly(Map.entry("overflow", "FAIL"), Map.entry("capacity", "100"));
            });
            assertThat(s.keyFields()).containsExactly(FieldPath.value("a"), FieldPath.value("b", "c"));
            assertThat(s.keyDelimiter()).contains("|");
            assertThat(s.converter()).contains("com.example.Conv");
            assertThat(s.regex()).contains("^dev-[0-9]+$");
            assertThat(s.ttl()).hasValue(60000L);
            assertThat(s.batch()).hasValue(500);
            assertThat(s.limit()).hasValue(10);
            assertThat(s.properties()).containsExactly(Map.entry("k1", "v1"), Map.entry("k2", "v 2"));
            assertThat(s.withType()).contains("X");
            assertThat(s.clausePositions()).containsOnlyKeys(Clause.values());
        }

        @Test
        void clausesInAnyOrderMeanTheSame() {
            KcqlStatement a = one("INSERT INTO t SELECT * FROM s PK id WITHFORMAT JSON STOREAS IMAP TTL 5");
            KcqlStatement b = one("INSERT INTO t SELECT * FROM s TTL 5 STOREAS IMAP WITHFORMAT JSON PK id");
            assertThat(KcqlJson.toTree(a)).isEqualTo(KcqlJson.toTree(b));
        }

        @Test
        void equalsSignIsOptionalWhereStreamReactorHadIt() {
            KcqlStatement s = one("INSERT INTO t SELECT * FROM s TTL 5 BATCH 7 LIMIT 9 WITHCONVERTER com.x.Y "
                    + "KEYDELIMITER '.' STOREAS = QUEUE WITHFORMAT = text");
            assertThat(s.ttl()).hasValue(5L);
            assertThat(s.batch()).hasValue(7);
            assertThat(s.limit()).hasValue(9);
            assertThat(s.converter()).contains("com.x.Y");
            assertThat(s.keyDelimiter()).contains(".");
            assertThat(s.storeAs().map(StoreAs::type)).contains("QUEUE");
            assertThat(s.format()).contains(Format.TEXT);
        }

        @Test
        void clausePositionsPointAtTheKeyword() {
            KcqlStatement s = one("INSERT INTO t SELECT * FROM s\n  WITHFORMAT JSON\n  STOREAS QUEUE");
            assertThat(s.clausePositions()).containsEntry(Clause.WITHFORMAT, new Position(2, 3))
                    .containsEntry(Clause.STOREAS, new Position(3, 3));
            assertThat(s.start()).isEqualTo(new Position(1, 1));
        }

        @Test
        void quotedStringsKeepDoubledQuotes() {
            KcqlStatement s = one("INSERT INTO t SELECT * FROM s KEYDELIMITER = '''' PROPERTIES('it''s'='a;b')");
            assertThat(s.keyDelimiter()).contains("'");
            assertThat(s.properties()).containsEntry("it's", "a;b");
        }

        @Test
        void everyFormatName() {
            for (Format f : Format.values()) {
                assertThat(one("INSERT INTO t SELECT * FROM s WITHFORMAT " + f.name().toLowerCase()).format())
                        .contains(f);
            }
        }
    }

    @Nested
    class KeywordsAndNames {

        @ParameterizedTest
        @ValueSource(strings = {
                "insert into t select * from s withformat json storeas queue",
                "INSERT INTO t SELECT * FROM s WITHFORMAT JSON STOREAS QUEUE",
                "Insert Into t Select * From s WithFormat Json StoreAs Queue",
                "iNsErT iNtO t sElEcT * fRoM s wItHfOrMaT jSoN sToReAs QUEUE"})
        void keywordsInAnyLetterCase(String kcql) {
            KcqlStatement s = one(kcql);
            assertThat(s.target()).isEqualTo("t");
            assertThat(s.format()).contains(Format.JSON);
            assertThat(s.storeAs().map(StoreAs::type).map(String::toUpperCase)).contains("QUEUE");
        }

        @ParameterizedTest
        @ValueSource(strings = {"D.TS.9931.2", "my-topic.v1", "sensors/+/temp", "a/#", "$share/group/a/#",
                "/mjson", ".well-known/core", "sensors/temp", "topic_1", "1234", "x:y"})
        void sourceNamesFromKafkaMqttAndCoap(String name) {
            assertThat(one("INSERT INTO t SELECT * FROM " + name).source()).isEqualTo(name);
            assertThat(one("INSERT INTO " + name + " SELECT * FROM s").target()).isEqualTo(name);
        }

        @Test
        void quotedNames() {
            KcqlStatement s = one("INSERT INTO `$` SELECT * FROM '/mqttTopicA/+/sensors'");
            assertThat(s.target()).isEqualTo("$");
            assertThat(s.source()).isEqualTo("/mqttTopicA/+/sensors");
            assertThat(one("INSERT INTO `a``b` SELECT * FROM `x y;z`").target()).isEqualTo("a`b");
            assertThat(one("INSERT INTO `a``b` SELECT * FROM `x y;z`").source()).isEqualTo("x y;z");
        }

        @Test
        void keywordAsTopicName() {
            assertThat(one("INSERT INTO format SELECT * FROM select").source()).isEqualTo("select");
        }

        @Test
        void unicodeNames() {
            KcqlStatement s = one("INSERT INTO température SELECT größe FROM capteurs/salon");
            assertThat(s.target()).isEqualTo("température");
            assertThat(s.fields().get(0).path()).isEqualTo(FieldPath.value("größe"));
        }
    }

    @Nested
    class MultipleStatements {

        @Test
        void splitOnSemicolonOutsideQuotes() {
            List<KcqlStatement> all = Kcql.parse(
                    "INSERT INTO a SELECT * FROM `x;y`; INSERT INTO b SELECT * FROM s PROPERTIES('k'='1;2');\n"
                            + "INSERT INTO c SELECT * FROM s KEYDELIMITER=';';");
            assertThat(all).extracting(KcqlStatement::target).containsExactly("a", "b", "c");
            assertThat(all.get(0).source()).isEqualTo("x;y");
            assertThat(all.get(1).properties()).containsEntry("k", "1;2");
            assertThat(all.get(2).keyDelimiter()).contains(";");
            assertThat(all.get(2).start()).isEqualTo(new Position(2, 1));
        }

        @Test
        void emptyStatementsBetweenSemicolonsAreAllowed() {
            assertThat(Kcql.parse(";INSERT INTO a SELECT * FROM s;;;INSERT INTO b SELECT * FROM s;;")).hasSize(2);
        }

        @Test
        void statementTextIsAsWritten() {
            List<KcqlStatement> all = Kcql.parse("INSERT INTO a SELECT * FROM s ;  insert into b\nselect x from s");
            assertThat(all.get(0).text()).isEqualTo("INSERT INTO a SELECT * FROM s ;");
            assertThat(all.get(1).text()).isEqualTo("insert into b\nselect x from s");
        }

        @Test
        void parseOneRejectsTwo() {
            assertThatThrownBy(() -> Kcql.parseOne("INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s"))
                    .isInstanceOf(KcqlException.class).hasMessageContaining("expected a single KCQL statement");
        }
    }

    @Nested
    class Errors {

        @Test
        void trailingWordIsAnErrorNotDropped() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WITHFORMAT JSON STOREAS QUEUE FOO");
            assertThat(e.position()).isEqualTo(new Position(1, 61));
            assertThat(e.offendingText()).isEqualTo("FOO");
            assertThat(e.expected()).contains("IGNORE", "PK", "end of input", "';'").doesNotContain("STOREAS");
            assertThat(e.getMessage()).startsWith("KCQL error at line 1, column 61: unexpected 'FOO'")
                    .endsWith("  INSERT INTO a SELECT * FROM b WITHFORMAT JSON STOREAS QUEUE FOO"
                            + System.lineSeparator() + "  " + " ".repeat(60) + "^^^");
        }

        @Test
        void unknownClauseIsReportedWithItsPosition() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WITHTARGET = x");
            assertThat(e.position()).isEqualTo(new Position(1, 31));
            assertThat(e.reason()).contains("unexpected 'WITHTARGET'");
        }

        @Test
        void positionOnALaterLine() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b;\nINSERT INTO c\n  SELECT x y FROM d");
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.column()).isEqualTo(12);
            assertThat(e.getMessage()).contains("  SELECT x y FROM d" + System.lineSeparator()
                    + "  " + " ".repeat(11) + "^");
        }

        @Test
        void emptyInput() {
            assertThat(error("").position()).isEqualTo(new Position(1, 1));
            assertThat(error("   \n ").reason()).contains("no KCQL statement");
            assertThat(error(null).reason()).contains("no KCQL statement");
        }

        @Test
        void incompleteStatement() {
            KcqlException e = error("INSERT INTO a SELECT *");
            assertThat(e.offendingText()).isEqualTo("end of input");
            assertThat(e.expected()).contains("FROM");
            assertThat(e.position()).isEqualTo(new Position(1, 23));
        }

        @Test
        void missingField() {
            KcqlException e = error("INSERT INTO a SELECT FROM b");
            assertThat(e.position()).isEqualTo(new Position(1, 22));
            assertThat(e.expected()).contains("'*'", "a name");
        }

        @Test
        void garbageAfterSemicolon() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b; junk");
            assertThat(e.position()).isEqualTo(new Position(1, 32));
            assertThat(e.expected()).contains("INSERT", "UPSERT", "end of input");
        }

        @Test
        void repeatedClause() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b IGNORE a IGNORE b");
            assertThat(e.position()).isEqualTo(new Position(1, 40));
            assertThat(e.reason()).isEqualTo("the IGNORE clause is given twice (first at line 1, column 31)");
        }

        @Test
        void repeatedFormatInBothSpellings() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WITHFORMAT JSON WITH FORMAT AVRO");
            assertThat(e.position()).isEqualTo(new Position(1, 47));
            assertThat(e.reason()).contains("WITHFORMAT clause is given twice");
        }

        @Test
        void unknownFormat() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WITHFORMAT XML");
            assertThat(e.position()).isEqualTo(new Position(1, 42));
            assertThat(e.reason()).contains("unknown format 'XML'").contains("JSON, AVRO");
        }

        @Test
        void numbersOutOfRange() {
            assertThat(error("INSERT INTO a SELECT * FROM b TTL = 0").position()).isEqualTo(new Position(1, 37));
            assertThat(error("INSERT INTO a SELECT * FROM b TTL = 99999999999999999999").reason())
                    .contains("TTL must be a whole number from 1 to 9223372036854775807");
            assertThat(error("INSERT INTO a SELECT * FROM b BATCH = 2147483648").reason())
                    .contains("BATCH must be a whole number from 1 to 2147483647");
            assertThat(error("INSERT INTO a SELECT * FROM b LIMIT 0").reason()).contains("LIMIT");
            KcqlException notANumber = error("INSERT INTO a SELECT * FROM b TTL = ten");
            assertThat(notANumber.position()).isEqualTo(new Position(1, 37));
            assertThat(notANumber.expected()).containsExactly("a whole number");
        }

        @Test
        void unterminatedQuotes() {
            KcqlException backtick = error("INSERT INTO a SELECT * FROM `b");
            assertThat(backtick.position()).isEqualTo(new Position(1, 29));
            assertThat(backtick.reason()).isEqualTo("this `quoted name` has no closing backtick");
            KcqlException quote = error("INSERT INTO a SELECT * FROM b KEYDELIMITER = '.");
            assertThat(quote.position()).isEqualTo(new Position(1, 46));
            assertThat(quote.reason()).isEqualTo("this 'string' has no closing quote");
        }

        @Test
        void unexpectedCharacter() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b GROUP BY x");
            assertThat(e.position()).isEqualTo(new Position(1, 31));
            KcqlException c = error("INSERT INTO a SELECT a % b FROM b");
            assertThat(c.position()).isEqualTo(new Position(1, 24));
            assertThat(c.reason()).startsWith("unexpected character '%'");
        }

        @Test
        void badFieldPaths() {
            assertThat(error("INSERT INTO a SELECT a..b FROM s").reason()).contains("'a..b' is not a field path");
            assertThat(error("INSERT INTO a SELECT x, _header FROM s").reason()).contains("name the header");
            assertThat(error("INSERT INTO a SELECT _topic.x FROM s").reason()).contains("has no fields inside");
            assertThat(error("INSERT INTO a SELECT _header.*  FROM s").reason()).contains("a wildcard selects");
            assertThat(error("INSERT INTO a SELECT * FROM s IGNORE _key.a").reason())
                    .contains("IGNORE takes fields of the record value");
            KcqlException dup = error("INSERT INTO a SELECT a.x, b.x FROM s");
            assertThat(dup.position()).isEqualTo(new Position(1, 27));
            assertThat(dup.reason()).contains("both named 'x'");
            assertThat(error("INSERT INTO a SELECT a AS b.c FROM s").reason()).contains("an alias is a single name");
        }

        @Test
        void badClauseValues() {
            assertThat(error("INSERT INTO a SELECT * FROM s WITHREGEX = `(`").reason())
                    .contains("WITHREGEX is not a valid regular expression");
            assertThat(error("INSERT INTO a SELECT * FROM s KEYDELIMITER = ''").reason()).contains("must not be empty");
            assertThat(error("INSERT INTO a SELECT * FROM s PROPERTIES('a'='1', 'a'='2')").reason())
                    .contains("'a' is given twice");
            assertThat(error("INSERT INTO a SELECT * FROM s STOREAS QUEUE (x=1, x=2)").reason())
                    .contains("'x' is given twice");
            assertThat(error("INSERT INTO '' SELECT * FROM s").reason()).contains("target must not be empty");
            assertThat(error("INSERT INTO a SELECT * FROM s WITHKEY a").expected()).containsExactly("'('");
        }

        @Test
        void longLinesAreCutAroundTheCaret() {
            String padding = "x".repeat(500);
            KcqlException e = error("INSERT INTO a SELECT " + padding + " FROM b ???");
            String[] lines = e.getMessage().split(System.lineSeparator());
            assertThat(lines).hasSize(3);
            assertThat(lines[1].length()).isLessThanOrEqualTo(202);
            assertThat(lines[1].charAt(lines[2].indexOf('^'))).isEqualTo('?');
        }
    }

    /**
     * AND, OR, NOT, IN, LIKE, IS, NULL and BETWEEN are reserved inside a WHERE condition (a field named so is written
     * in backticks there); everywhere else they stay names.
     */
    @Nested
    class ReservedWordsInConditions {

        private static final String OPERAND = "a field, a number, a 'quoted string', TRUE, FALSE";

        @Test
        void aComparisonWithoutItsRightSideIsReportedAtTheWordAfterTheOperator() {
            KcqlException e = error("INSERT INTO alerts SELECT device_id, temperature, ts FROM telemetry "
                    + "WHERE temperature > AND battery < 5 STOREAS RELIABLE_TOPIC");
            assertThat(e.position()).isEqualTo(new Position(1, 89));
            assertThat(e.offendingText()).isEqualTo("AND");
            assertThat(e.expected()).containsExactly("a field", "a number", "a 'quoted string'", "TRUE", "FALSE");
            assertThat(e.reason()).isEqualTo("'>' has no right-hand side: unexpected 'AND' (AND is reserved in a "
                    + "condition: write a field of that name as `AND`), expected one of: " + OPERAND);
            assertThat(e.getMessage()).startsWith("KCQL error at line 1, column 89: '>' has no right-hand side");
        }

        @Test
        void aComparisonAtTheEndOfTheInputIsReportedRightAfterTheOperator() {
            KcqlException e = error("INSERT INTO a SELECT * FROM t WHERE x >");
            assertThat(e.position()).isEqualTo(new Position(1, 40));
            assertThat(e.reason()).isEqualTo("'>' has no right-hand side: unexpected end of input, expected one of: "
                    + OPERAND);
        }

        @Test
        void andOrAndNotWithoutAConditionAfterThem() {
            KcqlException and = error("INSERT INTO a SELECT * FROM t WHERE x = 1 AND");
            assertThat(and.position()).isEqualTo(new Position(1, 46));
            assertThat(and.reason()).isEqualTo("'AND' has no condition on its right: unexpected end of input, "
                    + "expected one of: '(', NOT, " + OPERAND);
            KcqlException or = error("INSERT INTO a SELECT * FROM t WHERE x = 1 OR AND y = 2");
            assertThat(or.position()).isEqualTo(new Position(1, 46));
            assertThat(or.reason()).startsWith("'OR' has no condition on its right: unexpected 'AND' (AND is reserved");
        }

        @ParameterizedTest
        @ValueSource(strings = {"and", "or", "in", "like", "is", "between", "AND", "Between"})
        void aReservedWordIsNoFieldInACondition(String word) {
            KcqlException e = error("INSERT INTO t SELECT * FROM s WHERE " + word + " = 1");
            assertThat(e.position()).isEqualTo(new Position(1, 37));
            assertThat(e.offendingText()).isEqualTo(word);
            assertThat(e.reason()).startsWith("unexpected '" + word + "' (" + word.toUpperCase(java.util.Locale.ROOT)
                    + " is reserved in a condition: write a field of that name as `" + word + "`), expected one of: ");
        }

        @Test
        void nullIsNoFieldButAComparisonWithNullIsExplained() {
            KcqlException e = error("INSERT INTO t SELECT * FROM s WHERE null = 1");
            assertThat(e.position()).isEqualTo(new Position(1, 37));
            assertThat(e.reason()).isEqualTo("a comparison with NULL is never true in SQL; write IS NULL or IS NOT NULL "
                    + "(or `null` in backticks for a field of that name)");
        }

        @Test
        void notBeforeAnOperatorIsNoField() {
            KcqlException e = error("INSERT INTO t SELECT * FROM s WHERE not = 1");
            assertThat(e.position()).isEqualTo(new Position(1, 41));
            assertThat(e.reason()).startsWith("'NOT' has no condition on its right: unexpected '=' (NOT is reserved in a "
                    + "condition: write a field of that name as `not`)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"and", "or", "not", "in", "like", "is", "null", "between"})
        void aReservedWordInBackticksIsAFieldInAConditionAndABareNameElsewhere(String word) {
            KcqlStatement s = one("INSERT INTO " + word + " SELECT " + word + ", x AS " + word + "2 FROM " + word
                    + " IGNORE " + word + " PK " + word + " WITHKEY(" + word + ") WHERE `" + word + "` = 1 AND `"
                    + word + "` IS NOT NULL");
            assertThat(s.target()).isEqualTo(word);
            assertThat(s.source()).isEqualTo(word);
            assertThat(s.fields().get(0).path()).isEqualTo(FieldPath.value(word));
            assertThat(s.primaryKeys()).containsExactly(FieldPath.value(word));
            assertThat(s.where().orElseThrow().fields()).extracting(Condition.Operand.Field::path)
                    .containsExactly(FieldPath.value(word), FieldPath.value(word));
        }

        @Test
        void otherKeywordsStayFieldsInConditions() {
            KcqlStatement s = one("INSERT INTO t SELECT * FROM s WHERE timestamp > 5 AND format = 'x' AND ttl < 3");
            assertThat(s.where().orElseThrow().fields()).extracting(f -> f.path().toString())
                    .containsExactly("timestamp", "format", "ttl");
        }
    }

    /** A syntax error's list of what could come next never offers a clause the statement already has. */
    @Nested
    class ExpectedClauses {

        @Test
        void clausesAlreadyGivenAreNotOffered() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WITHFORMAT JSON STOREAS QUEUE FOO");
            assertThat(e.position()).isEqualTo(new Position(1, 61));
            assertThat(e.expected()).containsExactly("end of input", "IGNORE", "PK", "WITHKEY", "KEYDELIMITER",
                    "WITHCONVERTER", "WITHREGEX", "TTL", "BATCH", "LIMIT", "PROPERTIES", "WITHTYPE", "WHERE", "';'");
        }

        @Test
        void whereIsNotOfferedAfterAWhere() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WHERE x = 1 FOO");
            assertThat(e.position()).isEqualTo(new Position(1, 43));
            assertThat(e.expected()).contains("AND", "OR", "STOREAS", "end of input").doesNotContain("WHERE");
            KcqlException spelledWith = error("INSERT INTO a SELECT * FROM b WITH FORMAT JSON FOO");
            assertThat(spelledWith.expected()).contains("STOREAS").doesNotContain("WITHFORMAT", "WITH");
        }

        @Test
        void theClausesOfAnotherStatementDoNotCount() {
            KcqlException e = error("INSERT INTO a SELECT * FROM b WHERE x = 1; INSERT INTO c SELECT * FROM d FOO");
            assertThat(e.position()).isEqualTo(new Position(1, 74));
            assertThat(e.expected()).contains("WHERE");
        }
    }

    /** {@code WITHTYPE type}: what kind of structure a source reads (stream-reactor's JMS source has the clause). */
    @Nested
    class WithType {

        @Test
        void theTypeIsKeptAsWrittenWithItsPosition() {
            KcqlStatement s = one("INSERT INTO commands SELECT * FROM device-commands WITHTYPE reliable_topic");
            assertThat(s.withType()).contains("reliable_topic");
            assertThat(s.clausePositions()).containsEntry(Clause.WITHTYPE, new Position(1, 52));
            assertThat(one("INSERT INTO a SELECT * FROM m WITHTYPE = MAP_JOURNAL").withType()).contains("MAP_JOURNAL");
            assertThat(one("INSERT INTO a SELECT * FROM m WithType `RING_BUFFER`").withType()).contains("RING_BUFFER");
            assertThat(one("INSERT INTO a SELECT * FROM m").withType()).isEmpty();
        }

        @Test
        void itComesInAnyOrderAmongTheOtherClauses() {
            KcqlStatement s = one("INSERT INTO a SELECT x FROM m WHERE x > 1 WITHTYPE MAP_JOURNAL PROPERTIES('start' = "
                    + "'earliest')");
            assertThat(s.withType()).contains("MAP_JOURNAL");
            assertThat(s.where()).isPresent();
            assertThat(s.properties()).containsEntry("start", "earliest");
        }

        @Test
        void aFieldMayBeNamedWithtype() {
            KcqlStatement s = one("INSERT INTO a SELECT withtype FROM m WHERE withtype = 'x' WITHTYPE RING_BUFFER");
            assertThat(s.fields()).extracting(SelectedField::path).containsExactly(FieldPath.value("withtype"));
            assertThat(s.withType()).contains("RING_BUFFER");
        }

        @Test
        void givenTwiceIsAnErrorAtTheSecond() {
            KcqlException e = error("INSERT INTO a SELECT * FROM m WITHTYPE RING_BUFFER\n  WITHTYPE MAP_JOURNAL");
            assertThat(e.position()).isEqualTo(new Position(2, 3));
            assertThat(e.reason()).isEqualTo("the WITHTYPE clause is given twice (first at line 1, column 31)");
        }

        @Test
        void withoutATypeTheErrorSaysANameWasExpected() {
            KcqlException e = error("INSERT INTO a SELECT * FROM m WITHTYPE");
            assertThat(e.position()).isEqualTo(new Position(1, 39));
            assertThat(e.expected()).contains("a name");
            assertThat(error("INSERT INTO a SELECT * FROM m WITHTYPE ''").reason())
                    .isEqualTo("the WITHTYPE type must not be empty");
        }

        @Test
        void theCheckerPrintsIt() {
            assertThat(KcqlJson.write(List.of(one("INSERT INTO a SELECT * FROM m WITHTYPE MAP_JOURNAL"))))
                    .contains("\"withType\": \"MAP_JOURNAL\"");
            assertThat(KcqlJson.write(List.of(one("INSERT INTO a SELECT * FROM m")))).contains("\"withType\": null");
        }
    }

    @Test
    void positionsOfNamesWrittenInAStatementForErrorsAboutThem() {
        List<KcqlStatement> statements = Kcql.parse("INSERT INTO a SELECT x FROM b;\nINSERT INTO t SELECT `t`, y.z\n  FROM src PK _key.id");
        KcqlStatement second = statements.get(1);
        assertThat(second.positionAfter("INTO", "t")).isEqualTo(new Position(2, 13));
        assertThat(second.positionInSelect("t")).as("after SELECT, not the target").isEqualTo(new Position(2, 23));
        assertThat(second.positionInSelect("y")).isEqualTo(new Position(2, 27));
        assertThat(second.positionOf(second.primaryKeys().get(0))).isEqualTo(new Position(3, 15));
        assertThat(second.positionAfter("FROM", "src")).isEqualTo(new Position(3, 8));
        assertThat(second.positionInSelect("nowhere")).as("the statement's start").isEqualTo(new Position(2, 1));
    }
}
