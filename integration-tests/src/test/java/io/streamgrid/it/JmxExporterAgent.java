package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/**
 * The Prometheus JMX exporter as users attach it to a Connect worker: the agent jar from Maven Central (the build
 * copies it to target/jmx-exporter; it is never part of a plugin) with our rules file from deploy/monitoring.
 */
record JmxExporterAgent(Path jar, Path rules) {

    static final Path DEPLOY = Path.of(System.getProperty("streamgrid.deploy", "../deploy")).toAbsolutePath()
            .normalize();
    static final Path RULES = DEPLOY.resolve("monitoring").resolve("streamgrid-jmx-exporter.yaml");

    /** The agent the build resolved, with the rules users get. */
    static JmxExporterAgent withOurRules() {
        Path jar = Path.of(System.getProperty("streamgrid.jmx.exporter.agent",
                "target/jmx-exporter/jmx_prometheus_javaagent.jar")).toAbsolutePath();
        assertThat(jar).as("the JMX exporter agent (the integration-tests build copies it there)").isRegularFile();
        assertThat(RULES).isRegularFile();
        return new JmxExporterAgent(jar, RULES);
    }

    /** The JVM option that starts the agent, serving /metrics on loopback at {@code port}. */
    String jvmOption(int port) {
        return "-javaagent:" + jar + "=127.0.0.1:" + port + ":" + rules;
    }
}
