package io.streamgrid.mqtt;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Moquette in the test JVM: always there, no binary needed. */
final class MoquetteBroker implements Broker {

    private final int port = Broker.freePort();
    private final Path data;
    private Server server;

    MoquetteBroker() {
        try {
            data = Files.createTempDirectory("moquette");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
    }

    @Override
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void restart() {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", String.valueOf(port));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "true");
        properties.setProperty("data_path", data.toString());
        properties.setProperty("telemetry_enabled", "false");
        server = new Server();
        try {
            server.startServer(new MemoryConfig(properties));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        server.stopServer();
    }

    @Override
    public void close() {
        stop();
    }
}
