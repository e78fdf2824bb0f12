package io.streamgrid.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server run as a separate process (a Kafka broker or Connect worker of another version, a Hazelcast member,
 * mosquitto), its output in a log file; it counts as up once its port accepts connections. Killed on close.
 */
final class ServerProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    private ServerProcess(String name, List<String> command, Path log, int port) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
        this.port = port;
    }

    static ServerProcess start(String name, List<String> command, Path log, int port, Duration timeout) {
        ServerProcess server = new ServerProcess(name, command, log, port);
        server.launch(timeout);
        return server;
    }

    private void launch(Duration timeout) {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
        if (port > 0) {
            awaitPort(port, timeout);
        }
    }

    /** kill -9: the process gets no chance to close anything, as in a crash. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM, as an operator stops a server: it shuts down in order (a Connect worker leaves its group and hands its
     * tasks back). One that has not exited within the timeout is killed, and that is an error.
     */
    void stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " did not stop within " + timeout + " of SIGTERM:\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the same command again (after {@link #kill()}), its output appended to the same log. */
    void restart(Duration timeout) {
        launch(timeout);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** {@code java} of the given JDK with a class path of every jar in {@code lib}. */
    static List<String> java(Path javaHome, Path lib, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(lib.toAbsolutePath() + "/*");
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a command to its end (a tool such as Kafka's storage format); fails with its output if it fails. */
    static void run(String name, List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                pause();
            }
        }
        close();
        throw new IllegalStateException(name + " did not open port " + port + " within " + timeout + ":\n" + tail());
    }

    /**
     * Waits until the log holds {@code text} (a UDP server, such as a CoAP device, has no port to connect to; it says
     * when it is listening).
     */
    void awaitLogged(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not log '" + text + "' within " + timeout + ":\n" + tail());
            }
            pause();
        }
    }

    /** The end of the log, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
