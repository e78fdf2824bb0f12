package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar runs on its own (ANTLR shaded in), from arguments or standard input. */
class KcqlCheckJarIT {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String stdin, String... args) throws IOException, InterruptedException {
        Path jar = Paths.get(System.getProperty("checker.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kcql-out", ".txt");
        Path err = Files.createTempFile("kcql-err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void checksStatementsGivenAsArguments() throws Exception {
        Result result = run("", "INSERT INTO dev SELECT * FROM coap_sensor_topic WITHFORMAT JSON STOREAS QUEUE");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"target\": \"dev\"", "\"format\": \"JSON\"", "\"type\": \"QUEUE\"");
    }

    @Test
    void checksStatementsOnStandardInput() throws Exception {
        Result result = run("INSERT INTO a SELECT x FROM b;\nINSERT INTO c SELECT * FROM d");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"target\": \"a\"", "\"target\": \"c\"");
    }

    @Test
    void reportsAnErrorWithPositionAndExitsOne() throws Exception {
        Result result = run("", "INSERT INTO x SELECT FROM y");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("KCQL error at line 1, column 22: unexpected 'FROM'").contains("^^^^");
    }

    @Test
    void appliesAConnectorsCapabilitiesWhenNamed() throws Exception {
        Result sink = run("", "--connector", "sink", "INSERT INTO a SELECT * FROM b STOREAS QUEUE");
        assertThat(sink.exitCode()).isZero();
        Result mqtt = run("", "--connector", "mqtt", "INSERT INTO a SELECT * FROM b STOREAS QUEUE");
        assertThat(mqtt.exitCode()).isEqualTo(1);
        assertThat(mqtt.err()).startsWith("KCQL error at line 1, column 31: the MQTT source does not support the "
                + "STOREAS clause");
        Result unknown = run("", "--connector", "kafka", "INSERT INTO a SELECT * FROM b");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("unknown connector 'kafka'");
    }
}
