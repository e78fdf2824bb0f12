package io.streamgrid.mqtt.sink;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Runs an MQTT sink task as the worker does (put, preCommit, RetriableException with its back-off) with a context
 * that records what goes to the dead-letter queue, and a subscriber (MQTT 5, so it sees properties) that collects
 * what reaches the broker.
 */
final class SinkFixture {

    static final String TOPIC = "commands";

    private SinkFixture() {
    }

    static Map<String, String> props(String hosts, String kcql, String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "mqtt-sink-" + System.nanoTime());
        props.put("topics", TOPIC);
        props.put("connect.mqtt.hosts", hosts);
        props.put("connect.mqtt.kcql", kcql);
        props.put("connect.mqtt.reconnect.max.delay", "1000");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    static MqttSinkTask start(Map<String, String> props, RecordingSinkTaskContext context) {
        MqttSinkTask task = new MqttSinkTask();
        task.initialize(context);
        task.start(props);
        return task;
    }

    static SinkRecord record(long offset, Object key, String value) {
        return record(offset, key, value, new ConnectHeaders());
    }

    static SinkRecord record(long offset, Object key, String value, Headers headers) {
        return new SinkRecord(TOPIC, 0, Schema.OPTIONAL_STRING_SCHEMA, key, null, value, offset,
                System.currentTimeMillis(), TimestampType.CREATE_TIME, headers);
    }

    /** Hands the records to put() as the worker does: after a RetriableException, again after the asked back-off. */
    static int put(MqttSinkTask task, RecordingSinkTaskContext context, Collection<SinkRecord> records)
            throws InterruptedException {
        int retries = 0;
        while (true) {
            try {
                task.put(records);
                return retries;
            } catch (RetriableException e) {
                retries++;
                long backOff = context.timeouts.isEmpty() ? 100 : context.timeouts.get(context.timeouts.size() - 1);
                Thread.sleep(Math.max(10, backOff)); // the worker's pause before it hands the batch back
            }
        }
    }

    /** The offset preCommit lets the worker commit for partition 0, having consumed up to {@code consumed}. */
    static long committable(MqttSinkTask task, long consumed) {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        Map<TopicPartition, OffsetAndMetadata> offsets = task.preCommit(Map.of(partition,
                new OffsetAndMetadata(consumed)));
        return offsets.get(partition).offset();
    }

    static Object metric(Map<String, String> props, String name) throws JMException {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        return jmx.getAttribute(new ObjectName("kafka.connect:type=plugins,connector=" + props.get("name")
                + ",task=0"), name);
    }

    /** A message as a subscriber received it. */
    record Received(String topic, String payload, int qos, boolean retained, MqttProperties properties) {
    }

    /** An MQTT 5 subscriber with a persistent session: it gets what was published while the broker restarted. */
    static final class Subscriber implements AutoCloseable {
        final List<Received> received = new CopyOnWriteArrayList<>();
        private final MqttAsyncClient client;

        Subscriber(String url, String filter) throws MqttException {
            client = new MqttAsyncClient(url, "sub-" + System.nanoTime(), new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse response) {
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                            message.getQos(), message.isRetained(), message.getProperties()));
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                }
            });
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            options.setAutomaticReconnect(true);
            options.setAutomaticReconnectDelay(1, 1);
            options.setReceiveMaximum(65_535);
            client.connect(options).waitForCompletion(10_000);
            client.subscribe(new MqttSubscription(filter, 2)).waitForCompletion(10_000);
        }

        List<String> payloads() {
            List<String> payloads = new ArrayList<>();
            received.forEach(r -> payloads.add(r.payload()));
            return payloads;
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5000);
            }
            client.close();
        }
    }
}
