package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Proves that no input makes the parser throw anything but {@link KcqlException}: 120,000 random and
 * mutated statements from a fixed seed. Every accepted statement must also re-parse from its own
 * text to the same model, and every error must carry a real position.
 */
class KcqlFuzzTest {

    private static final long SEED = 20261122L;
    private static final int CASES = 120_000;

    private static final List<String> CORPUS = List.of(
            "INSERT INTO sensor_ringbuffer SELECT sensor_id, timestamp, temperature FROM coap_sensor_topic WITH FORMAT JSON",
            "INSERT INTO dev SELECT * FROM coap_sensor_topic WITHFORMAT JSON STOREAS QUEUE",
            "INSERT INTO coap_sensor_topic SELECT * FROM sensors",
            "UPSERT INTO m SELECT a.b AS c, _key.id, _header.h, _topic FROM t IGNORE x PK a.b, c WITHFORMAT AVRO "
                    + "STOREAS IMAP (json = 'true') TTL = 100 BATCH = 5 LIMIT 3",
            "INSERT INTO `$` SELECT * FROM '$share/g/sensors/+/temp' WITHKEY(a, b.c) KEYDELIMITER='-' "
                    + "WITHCONVERTER=`com.x.Conv` WITHREGEX=`^a.*$` PROPERTIES('k'='v;w')",
            "INSERT INTO a SELECT * FROM b; INSERT INTO c SELECT x.* FROM D.TS.9931.2;",
            "INSERT INTO alerts SELECT device_id FROM t WHERE temperature > 80 OR battery < 5 AND NOT (a IS NULL) "
                    + "STOREAS RELIABLE_TOPIC",
            "INSERT INTO x SELECT * FROM t WHERE site IN ('a', 'b') AND name NOT LIKE 'dev-%' AND _key.x <> -2.5");

    private static final List<String> TOKENS = List.of(
            "INSERT", "UPSERT", "INTO", "SELECT", "FROM", "AS", "IGNORE", "PK", "WITHFORMAT", "WITH", "FORMAT",
            "STOREAS", "WITHKEY", "KEYDELIMITER", "WITHCONVERTER", "WITHREGEX", "TTL", "BATCH", "LIMIT",
            "PROPERTIES", "WHERE", "AND", "OR", "NOT", "IS", "NULL", "IN", "LIKE", "TRUE", "FALSE", "<", "<=", ">",
            ">=", "!=", "<>", "!", "3.5", "-7", "1e3", "*", ",", "=", "(", ")", ";", "a", "b.c", "a.*", "_key", "_key.x", "_header.h", "_topic",
            "JSON", "AVRO", "XML", "QUEUE", "1", "0", "99999999999999999999", "'s'", "''", "'", "`q`", "`", "``",
            "sensors/+/t", "#", "$share/g/#", ".", "..", "-", "\n", "\t", "é", "\u0000", "\uD83D\uDE00", "\uD800");

    @Test
    void onlyKcqlExceptionsEscape() {
        Random random = new Random(SEED);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            String input = switch (i % 3) {
                case 0 -> mutate(CORPUS.get(random.nextInt(CORPUS.size())), random);
                case 1 -> tokenSoup(random);
                default -> randomChars(random);
            };
            try {
                List<KcqlStatement> statements = Kcql.parse(input);
                accepted++;
                for (KcqlStatement s : statements) {
                    KcqlStatement again = Kcql.parseOne(s.text());
                    assertThat(KcqlJson.toTree(again)).as("re-parse of %s", s.text()).isEqualTo(KcqlJson.toTree(s));
                }
            } catch (KcqlException e) {
                rejected++;
                assertThat(e.line()).isPositive();
                assertThat(e.column()).isPositive();
                assertThat(e.getMessage()).startsWith("KCQL error at line ");
            } catch (Throwable t) {
                fail("input " + quote(input) + " threw " + t, t);
            }
        }
        // Both paths must really have been exercised, or the test proves little.
        assertThat(accepted).isGreaterThan(CASES / 100);
        assertThat(rejected).isGreaterThan(CASES / 2);
    }

    private static String mutate(String base, Random random) {
        StringBuilder s = new StringBuilder(base);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, (char) (random.nextInt(0x80)));
                case 2 -> s.insert(at, TOKENS.get(random.nextInt(TOKENS.size())));
                case 3 -> s.setLength(at);
                case 4 -> {
                    int end = Math.min(s.length(), at + random.nextInt(12));
                    s.insert(at, s.substring(at, end));
                }
                default -> s.setCharAt(at, (char) random.nextInt(0x3000));
            }
        }
        return s.toString();
    }

    private static String tokenSoup(Random random) {
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(25);
        for (int i = 0; i < n; i++) {
            s.append(TOKENS.get(random.nextInt(TOKENS.size())));
            s.append(random.nextInt(4) == 0 ? "" : " ");
        }
        return s.toString();
    }

    private static String randomChars(Random random) {
        int n = random.nextInt(60);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) (random.nextBoolean() ? 0x20 + random.nextInt(0x5f) : random.nextInt(0x10000)));
        }
        return s.toString();
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        s.codePoints().forEach(c -> q.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : Character.toString(c)));
        return q.append('"').toString();
    }
}
