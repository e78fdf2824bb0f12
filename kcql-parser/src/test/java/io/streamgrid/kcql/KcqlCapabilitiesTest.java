package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class KcqlCapabilitiesTest {

    private final KcqlCapabilities sink = KcqlCapabilities.forConnector("Hazelcast sink")
            .writeModes(WriteMode.INSERT, WriteMode.UPSERT)
            .clauses(Clause.IGNORE, Clause.PK, Clause.WITHFORMAT, Clause.STOREAS, Clause.TTL)
            .storeAsTypes(List.of("QUEUE", "IMAP"))
            .formats(Format.JSON, Format.AVRO)
            .fieldKinds(FieldKind.VALUE, FieldKind.KEY, FieldKind.HEADER, FieldKind.METADATA)
            .build();

    private final KcqlCapabilities source = KcqlCapabilities.forConnector("MQTT source")
            .clauses(Clause.WITHCONVERTER)
            .build();

    @Test
    void acceptsWhatIsDeclared() {
        assertThatCode(() -> sink.parse("UPSERT INTO m SELECT a, _key.id FROM t PK _key.id WITHFORMAT json "
                + "STOREAS imap TTL 10")).doesNotThrowAnyException();
    }

    @Test
    void unsupportedClauseNamesClauseConnectorAndPosition() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> sink.parse("INSERT INTO q SELECT * FROM t\n  WITHREGEX = `x`"));
        assertThat(e.position()).isEqualTo(new Position(2, 3));
        assertThat(e.reason()).isEqualTo("the Hazelcast sink does not support the WITHREGEX clause; "
                + "it accepts IGNORE, PK, STOREAS, TTL, WITHFORMAT");
        assertThat(e.getMessage()).contains("  WITHREGEX = `x`" + System.lineSeparator() + "    ^^^^^^^^^");
    }

    @Test
    void aSyntaxErrorListsOnlyWhatTheConnectorAccepts() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> sink.parse("INSERT INTO q SELECT * FROM t FOO"));
        assertThat(e.position()).isEqualTo(new Position(1, 31));
        assertThat(e.expected()).containsExactly("end of input", "IGNORE", "PK", "WITHFORMAT", "WITH", "STOREAS",
                "TTL", "';'");
        assertThat(e.reason()).isEqualTo("unexpected 'FOO', expected one of: end of input, IGNORE, PK, WITHFORMAT, "
                + "WITH, STOREAS, TTL, ';'");
        assertThat(e.getMessage()).contains("  INSERT INTO q SELECT * FROM t FOO" + System.lineSeparator()
                + "                                ^^^");
        KcqlException atStart = catchThrowableOfType(KcqlException.class, () -> source.parse("SELECT * FROM t"));
        assertThat(atStart.expected()).containsExactly("INSERT", "';'"); // an empty statement is allowed
        assertThat(atStart.reason()).isEqualTo("unexpected 'SELECT', expected one of: INSERT, ';'");
    }

    @Test
    void unsupportedStoreAsType() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> sink.parse("INSERT INTO q SELECT * FROM t STOREAS HASH"));
        assertThat(e.position()).isEqualTo(new Position(1, 31));
        assertThat(e.reason()).isEqualTo("the Hazelcast sink cannot STOREAS HASH; use one of QUEUE, IMAP".replace(
                "QUEUE, IMAP", "IMAP, QUEUE"));
    }

    @Test
    void unsupportedFormat() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> sink.parse("INSERT INTO q SELECT * FROM t WITHFORMAT TEXT"));
        assertThat(e.reason()).isEqualTo("the Hazelcast sink does not support WITHFORMAT TEXT; use one of AVRO, JSON");
    }

    @Test
    void unsupportedWriteMode() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> source.parse("INSERT INTO a SELECT * FROM x; UPSERT INTO k SELECT * FROM t"));
        assertThat(e.position()).isEqualTo(new Position(1, 32));
        assertThat(e.reason()).isEqualTo("the MQTT source does not support UPSERT INTO; use INSERT INTO");
    }

    @Test
    void unsupportedFieldKind() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> source.parse("INSERT INTO k SELECT a, _header.h FROM t"));
        assertThat(e.reason()).isEqualTo("the MQTT source cannot read '_header.h': it reads VALUE fields only");
    }

    @Test
    void noClausesAcceptedSaysSoWithoutAnEmptyList() {
        KcqlCapabilities bare = KcqlCapabilities.forConnector("test").build();
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> bare.parse("INSERT INTO k SELECT * FROM t TTL 1"));
        assertThat(e.reason()).isEqualTo("the test does not support the TTL clause");
    }

    @Test
    void aRequiredClauseThatIsMissingIsAnErrorAtTheSource() {
        KcqlCapabilities hazelcastSource = KcqlConnector.HAZELCAST_SOURCE.capabilities();
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> hazelcastSource.parse("INSERT INTO a SELECT * FROM a; INSERT INTO commands SELECT * FROM cmds"));
        assertThat(e).as("the first statement lacks it too").isNotNull();
        assertThat(e.position()).isEqualTo(new Position(1, 29));
        assertThat(e.reason()).isEqualTo("the Hazelcast source needs a WITHTYPE clause, which this statement does not "
                + "have: write what 'a' is after it, WITHTYPE RELIABLE_TOPIC | RING_BUFFER | MAP_JOURNAL");
    }

    @Test
    void aWithTypeTheConnectorDoesNotReadIsAnErrorAtTheType() {
        KcqlCapabilities hazelcastSource = KcqlConnector.HAZELCAST_SOURCE.capabilities();
        assertThatCode(() -> hazelcastSource.parse("INSERT INTO a SELECT * FROM t WITHTYPE reliable_topic; "
                + "INSERT INTO b SELECT * FROM r WITHTYPE RING_BUFFER; INSERT INTO c SELECT * FROM m WITHTYPE "
                + "MAP_JOURNAL")).doesNotThrowAnyException();
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> hazelcastSource.parse("INSERT INTO a SELECT * FROM q\n  WITHTYPE  QUEUE"));
        assertThat(e.position()).isEqualTo(new Position(2, 13));
        assertThat(e.reason()).isEqualTo("the Hazelcast source cannot read WITHTYPE QUEUE; use one of MAP_JOURNAL, "
                + "RELIABLE_TOPIC, RING_BUFFER");
    }

    @Test
    void aConnectorWithoutWithTypeRefusesTheClause() {
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> KcqlConnector.SINK.capabilities().parse("INSERT INTO q SELECT * FROM t WITHTYPE RING_BUFFER"));
        assertThat(e.position()).isEqualTo(new Position(1, 31));
        assertThat(e.reason()).startsWith("the Hazelcast sink does not support the WITHTYPE clause");
    }

    @Test
    void theHazelcastSourceReadsValueKeyAndHeaderFieldsButNoStoreAs() {
        KcqlCapabilities hazelcastSource = KcqlConnector.HAZELCAST_SOURCE.capabilities();
        assertThatCode(() -> hazelcastSource.parse("INSERT INTO a SELECT x, _key.id FROM m WITHTYPE MAP_JOURNAL "
                + "WHERE _header.hazelcast.event = 'ADDED'")).doesNotThrowAnyException();
        KcqlException e = catchThrowableOfType(KcqlException.class,
                () -> hazelcastSource.parse("INSERT INTO a SELECT * FROM m WITHTYPE MAP_JOURNAL STOREAS IMAP"));
        assertThat(e.reason()).isEqualTo("the Hazelcast source does not support the STOREAS clause; it accepts BATCH, "
                + "IGNORE, KEYDELIMITER, PROPERTIES, WHERE, WITHFORMAT, WITHKEY, WITHTYPE");
        KcqlException syntax = catchThrowableOfType(KcqlException.class,
                () -> hazelcastSource.parse("INSERT INTO a SELECT * FROM m WITHTYPE MAP_JOURNAL FOO"));
        assertThat(syntax.expected()).containsExactly("end of input", "IGNORE", "WITHFORMAT", "WITH", "WITHKEY",
                "KEYDELIMITER", "BATCH", "PROPERTIES", "WHERE", "';'");
    }
}
