package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KcqlCheckTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) throws IOException {
        return KcqlCheck.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsStatementsAsJsonNamedAfterTheModel() throws IOException {
        int code = run("", "INSERT INTO dev SELECT a AS b FROM coap_sensor_topic PK a WITHFORMAT JSON STOREAS QUEUE");
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(json).contains("\"writeMode\": \"INSERT\"", "\"target\": \"dev\"",
                "\"source\": \"coap_sensor_topic\"", "\"alias\": \"b\"", "\"format\": \"JSON\"",
                "\"type\": \"QUEUE\"", "\"primaryKeys\": [", "\"ignore\": []", "\"ttl\": null");
        assertThat(err.size()).isZero();
    }

    @Test
    void readsStatementsFromStandardInput() throws IOException {
        int code = run("INSERT INTO a SELECT * FROM b;\nINSERT INTO c SELECT * FROM d");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"target\": \"a\"", "\"target\": \"c\"");
    }

    @Test
    void printsErrorWithCaretAndExitsOne() throws IOException {
        int code = run("", "INSERT INTO a SELECT * FROM b STOREAS");
        assertThat(code).isEqualTo(1);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("KCQL error at line 1, column 38: unexpected end of input")
                .contains("^");
    }

    @Test
    void escapesJsonStrings() throws IOException {
        run("", "INSERT INTO `a\"b\\c` SELECT * FROM t");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"target\": \"a\\\"b\\\\c\"");
    }
}
