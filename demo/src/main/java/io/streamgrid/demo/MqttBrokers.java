package io.streamgrid.it;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Properties;

/** A Moquette MQTT broker in this JVM on 127.0.0.1, persistent sessions kept in a fresh temporary directory. */
public final class MqttBrokers {

    private MqttBrokers() {
    }

    public static Server start(int port) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", String.valueOf(port));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "true");
        properties.setProperty("data_path", Files.createTempDirectory("streamgrid-mqtt").toString());
        Server server = new Server();
        server.startServer(new MemoryConfig(properties));
        return server;
    }
}
