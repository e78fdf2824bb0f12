package io.streamgrid.demo;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** A Moquette MQTT broker in this JVM on 127.0.0.1, persistent sessions kept in a fresh temporary directory. */
public final class MqttBrokers {

    private MqttBrokers() {
    }

    /** A broker and the directory of its store, which {@link #close()} removes. */
    record Running(Server server, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            server.stopServer();
            TempFiles.deleteQuietly(dir);
        }
    }

    /** A broker whose store goes away with it. */
    static Running startInOwnDirectory(int port) throws IOException {
        Path dir = Files.createTempDirectory("streamgrid-mqtt");
        return new Running(start(port, dir), dir);
    }

    public static Server start(int port) throws IOException {
        return start(port, Files.createTempDirectory("streamgrid-mqtt"));
    }

    private static Server start(int port, Path dir) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", String.valueOf(port));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "true");
        properties.setProperty("data_path", dir.toString());
        Server server = new Server();
        server.startServer(new MemoryConfig(properties));
        return server;
    }
}
