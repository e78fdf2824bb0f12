package io.streamgrid.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * mosquitto, the Debian package (benchmarks/run installs it), as a process on a free port. Persistent sessions keep
 * every queued message, QoS 0 included, so a subscriber can drain a preloaded backlog.
 */
final class Mosquitto implements AutoCloseable {

    private final int port = FreePorts.one();
    private final Process process;
    private final Path dir;

    /** {@code inflight}: the broker's in-flight window towards each client (mosquitto's default is 20). */
    Mosquitto(int inflight) {
        String binary = List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto").stream()
                .filter(candidate -> new File(candidate).canExecute()).findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "mosquitto is not installed: benchmarks/run installs it (apt-get install mosquitto)"));
        try {
            dir = Files.createTempDirectory("bench-mosquitto");
            Path conf = dir.resolve("mosquitto.conf");
            Files.writeString(conf, String.join("\n",
                    "user root",
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous true",
                    "persistence false",
                    "max_queued_messages 0",
                    "max_queued_bytes 0",
                    "queue_qos0_messages true",
                    "max_inflight_messages " + inflight,
                    "log_dest file " + dir.resolve("mosquitto.log"),
                    ""));
            process = new ProcessBuilder(binary, "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Sleep.millis(50);
            }
        }
        throw new IllegalStateException("mosquitto did not start; see " + dir);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
