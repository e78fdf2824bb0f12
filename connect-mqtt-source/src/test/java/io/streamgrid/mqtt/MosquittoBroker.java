package io.streamgrid.mqtt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * mosquitto (the Debian package, which .ci/run installs) as a process: a plain listener and, with TLS, a
 * listener that wants a password and a client certificate. Tests that need it are skipped, with a message,
 * only where the binary is missing. The source's and the sink's tests share it.
 */
public final class MosquittoBroker implements Broker {

    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret";
    /** Topics the login may not publish to on the TLS listener. */
    public static final String FORBIDDEN = "forbidden";
    public static final Path TLS = Path.of("src", "test", "resources", "tls").toAbsolutePath();

    private final int port = Broker.freePort();
    private final int tlsPort = otherFreePort(port);
    private final Path dir;
    private final Path conf;
    private Process process;

    /** A free port that is not {@code taken}: two calls in a row may be given the same one just released. */
    private static int otherFreePort(int taken) {
        int port = Broker.freePort();
        while (port == taken) {
            port = Broker.freePort();
        }
        return port;
    }

    static String binary() {
        for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    public static MosquittoBroker startOrSkip() {
        return startOrSkip(new String[0]);
    }

    /** With more lines for mosquitto.conf's general section, e.g. {@code max_packet_size 1000}. */
    public static MosquittoBroker startOrSkip(String... moreConfig) {
        assumeTrue(binary() != null, "mosquitto is not installed (apt-get install mosquitto; .ci/run does)");
        return new MosquittoBroker(moreConfig);
    }

    private MosquittoBroker(String... moreConfig) {
        try {
            dir = Files.createTempDirectory("mosquitto");
            Path passwords = dir.resolve("passwd");
            Files.writeString(passwords, "");
            run(List.of("mosquitto_passwd", "-b", passwords.toString(), USER, PASSWORD));
            Path acl = dir.resolve("acl"); // the login may use every topic but forbidden/#, which MQTT 5 then refuses
            Files.writeString(acl, String.join("\n", "user " + USER, "topic readwrite #", "topic deny " + FORBIDDEN + "/#",
                    ""));
            conf = dir.resolve("mosquitto.conf");
            writeConfig(moreConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
    }

    /** Writes mosquitto.conf with {@code moreConfig} in its general section; read at the next (re)start. */
    private void writeConfig(String... moreConfig) throws IOException {
        Path passwords = dir.resolve("passwd");
        Path acl = dir.resolve("acl");
        Files.writeString(conf, String.join("\n",
                "user root",
                "per_listener_settings true",
                "persistence true",
                "persistence_location " + dir + "/",
                "autosave_interval 1",
                "max_queued_messages 1000000",
                "max_inflight_messages 100",
                String.join("\n", moreConfig),
                "log_dest file " + dir.resolve("mosquitto.log"),
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "listener " + tlsPort + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwords,
                "acl_file " + acl,
                "cafile " + TLS.resolve("ca.pem"),
                "certfile " + TLS.resolve("server.pem"),
                "keyfile " + TLS.resolve("server.key"),
                "require_certificate true",
                ""));
    }

    /** Other lines for the general section from the next {@link #restart} on: a broker reconfigured, or replaced. */
    public void reconfigure(String... moreConfig) {
        try {
            writeConfig(moreConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The TLS listener, by name so the certificate's host name matches. */
    public String tlsUrl() {
        return "ssl://localhost:" + tlsPort;
    }

    @Override
    public void restart() {
        try {
            process = new ProcessBuilder(binary(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        throw new IllegalStateException("mosquitto did not start; see " + dir);
    }

    /** What mosquitto logged so far (connections show the protocol: "p2" is MQTT 3.1.1, "p5" is MQTT 5). */
    public String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Freezes the broker (SIGSTOP): its connections stay open, and it answers nothing until {@link #resume}. */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        if (!process.isAlive()) {
            return; // stopped: nothing to freeze or thaw
        }
        try {
            run(List.of("kill", "-" + name, String.valueOf(process.pid())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the broker at once (SIGKILL, which also ends a frozen one): its connections are reset. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    @Override
    public void stop() {
        process.destroy();
        awaitExit();
    }

    private void awaitExit() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException(command + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
