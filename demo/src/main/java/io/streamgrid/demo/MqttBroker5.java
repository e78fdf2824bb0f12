package io.streamgrid.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * The demo's MQTT broker: Apache ActiveMQ Artemis in this JVM, speaking MQTT 3.1.1 and 5 on 127.0.0.1 only. MQTT 5,
 * because the commands to the devices carry a response topic and correlation data (Moquette 0.17 speaks 3.1.1
 * only). Nothing is kept on disk (sessions and queued messages live as long as the demo); its working directory is
 * a fresh temporary one, removed with it.
 */
final class MqttBroker5 implements AutoCloseable {

    private final EmbeddedActiveMQ server;
    private final Path dir;

    private MqttBroker5(EmbeddedActiveMQ server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    static MqttBroker5 start(int port) throws Exception {
        Path dir = Files.createTempDirectory("streamgrid-mqtt");
        try {
            Configuration config = new ConfigurationImpl();
            config.setName("streamgrid-demo");
            config.setPersistenceEnabled(false);
            config.setSecurityEnabled(false);
            config.setJMXManagementEnabled(false);
            config.setBrokerInstance(dir.toFile());
            config.addAcceptorConfiguration("mqtt", "tcp://" + Loopback.HOST + ":" + port + "?protocols=MQTT");
            EmbeddedActiveMQ server = new EmbeddedActiveMQ();
            server.setConfiguration(config);
            server.start();
            return new MqttBroker5(server, dir);
        } catch (Exception | Error e) {
            TempFiles.deleteQuietly(dir);
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            TempFiles.deleteQuietly(dir);
        }
    }
}
