package io.streamgrid.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** mosquitto, the Debian package .ci/run installs, as a process on loopback; tests skip, saying so, without it. */
final class Mosquitto implements AutoCloseable {

    private final int port = ConnectCluster.freePort();
    private final ServerProcess process;

    private Mosquitto(String binary, boolean persistent) {
        try {
            Path dir = Files.createTempDirectory("streamgrid-mosquitto");
            Path conf = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                    "user root",
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous true",
                    "max_queued_messages 1000000",
                    persistent ? "persistence true" : "persistence false",
                    "persistence_location " + dir + "/",
                    // save after every change: what mosquitto acknowledged survives a kill -9 (its default saves
                    // every 30 min, and acknowledges QoS 1 before it saves)
                    "autosave_on_changes true",
                    "autosave_interval 1", ""));
            process = ServerProcess.start("mosquitto", List.of(binary, "-c", conf.toString()),
                    dir.resolve("mosquitto.log"), port, Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mosquitto start() {
        return start(false);
    }

    /** {@code persistent}: sessions and queued messages kept on disk across restarts, saved after every change. */
    static Mosquitto start(boolean persistent) {
        String binary = List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto").stream()
                .filter(b -> new File(b).canExecute()).findFirst().orElse(null);
        assumeTrue(binary != null, "Skipped: mosquitto is not installed (apt-get install mosquitto; .ci/run does)");
        return new Mosquitto(binary, persistent);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    void kill() {
        process.kill();
    }

    /** SIGTERM: mosquitto saves its store on the way down. */
    void stop() {
        process.stop(Duration.ofSeconds(10));
    }

    void restart() {
        process.restart(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        process.close();
    }
}
