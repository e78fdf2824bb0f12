package io.streamgrid.demo;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The second half of README command 1 ({@code mvn -pl demo exec:java@demo}): starts {@link Demo} in a JVM of its own,
 * with the JVM options Hazelcast asks for ({@code demo.jvm.args}), and waits for it.
 *
 * <p>Why not {@code exec:exec}: on Ctrl-C the terminal signals Maven's JVM and the demo's together; Maven's JVM
 * exited at once and gave the prompt back while the demo was still stopping, so "Stopped." came after the prompt.
 * Here Maven's JVM has a shutdown hook that waits until the demo has stopped, passing the signal on (SIGTERM, which
 * the demo takes like Ctrl-C) for when only Maven got it.
 */
public final class DemoLauncher {

    /** Longer than the demo's own stop takes at worst (its parts are each given a few seconds). */
    private static final long STOP_SECONDS = 60;

    private DemoLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Process demo = new ProcessBuilder(command(args)).inheritIO().start();
        Thread waitForTheDemo = new Thread(() -> stop(demo), "demo-launcher-stop");
        Runtime.getRuntime().addShutdownHook(waitForTheDemo);
        int status = demo.waitFor();
        if (status != 0) {
            System.exit(status); // during a shutdown (Ctrl-C) this waits for the hook, then the JVM ends
        }
        Runtime.getRuntime().removeShutdownHook(waitForTheDemo);
    }

    /** The demo's JVM: this JVM's java, demo.jvm.args, the streamgrid.* settings, this class path, {@code args}. */
    static List<String> command(String[] args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jvmArgs = System.getProperty("demo.jvm.args", "").trim();
        if (!jvmArgs.isEmpty()) {
            command.addAll(Arrays.asList(jvmArgs.split("\\s+")));
        }
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("streamgrid.")).sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-cp");
        command.add(classPath(DemoLauncher.class.getClassLoader()));
        command.add(Demo.class.getName());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /**
     * The demo's class path: under {@code exec:java} that of the class loader Maven made for the project (Maven's own
     * JVM has only Maven on {@code java.class.path}); in a plain JVM, {@code java.class.path}.
     */
    static String classPath(ClassLoader loader) {
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
            return Arrays.stream(urls.getURLs()).map(DemoLauncher::file).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static String file(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a file on the class path: " + url, e);
        }
    }

    /** Passes the stop on to the demo (it may have it already) and waits until it has stopped. */
    private static void stop(Process demo) {
        if (!demo.isAlive()) {
            return;
        }
        demo.destroy();
        try {
            if (!demo.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("The demo did not stop within " + STOP_SECONDS + " s; ending it.");
                demo.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
