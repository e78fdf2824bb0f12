package io.streamgrid.mqtt.connection;

import io.streamgrid.common.config.AliasedValidation;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * Connects once to the broker with the connector's settings and MQTT version, so that validate reports what would make every
 * task fail at start (a broker nobody answers on, a refused login, a TLS failure) on the key to fix. It uses a
 * client id of its own and a clean session, so it never takes over a task's persistent session.
 */
public final class BrokerCheck {

    /** MQTT 5 CONNACK reason codes (0x86, 0x87) of a refused login. */
    private static final int V5_BAD_USER_NAME_OR_PASSWORD = 0x86;
    private static final int V5_NOT_AUTHORIZED = 0x87;

    /** A setting that does not work, and why. */
    public record Problem(String key, String message) {

        /** Adds the message to the key at fault in a connector's validation (to the hosts, if it has no such key). */
        public void attachTo(AliasedValidation validation) {
            Optional.ofNullable(validation.value(key)).orElse(validation.value(MqttConnectionConfig.HOSTS_CONFIG))
                    .addErrorMessage(message);
        }
    }

    private BrokerCheck() {
    }

    public static Optional<Problem> check(MqttConnectionConfig config, Duration timeout) {
        String hosts = config.hosts().toString();
        SocketFactory sockets = null;
        try {
            if (config.tls()) {
                sockets = TlsContexts.create(config).getSocketFactory();
            }
        } catch (ConfigException e) {
            return Optional.of(new Problem(keyOf(e), e.getMessage()));
        }
        int connectSeconds = (int) Math.max(1, Math.min(timeout.toSeconds(), config.connectionTimeoutSeconds()));
        // short (MQTT 3.1.1 brokers may refuse ids over 23 bytes) and never a task's id, whose session it would take
        String clientId = "sg-check-" + Long.toHexString(System.nanoTime() & 0xffffffffL);
        try {
            if (config.mqtt5()) {
                connectV5(config, clientId, sockets, connectSeconds, timeout);
            } else {
                connectV3(config, clientId, sockets, connectSeconds, timeout);
            }
            return Optional.empty();
        } catch (MqttException e) {
            int code = e.getReasonCode();
            boolean loginRefused = code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    || code == MqttException.REASON_CODE_NOT_AUTHORIZED;
            return Optional.of(problem(config, hosts, loginRefused, code, e));
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            int code = e.getReasonCode();
            boolean loginRefused = code == V5_BAD_USER_NAME_OR_PASSWORD || code == V5_NOT_AUTHORIZED;
            return Optional.of(problem(config, hosts, loginRefused, code, e));
        }
    }

    private static void connectV3(MqttConnectionConfig config, String clientId, SocketFactory sockets, int connectSeconds,
            Duration timeout) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setServerURIs(config.hosts().toArray(String[]::new));
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(connectSeconds);
        if (config.username() != null) {
            options.setUserName(config.username());
        }
        if (config.password() != null) {
            options.setPassword(config.password().value().toCharArray());
        }
        if (sockets != null) {
            options.setSocketFactory(sockets);
            options.setHttpsHostnameVerificationEnabled(config.hostnameVerification());
        }
        MqttClient client = new MqttClient(config.hosts().get(0), clientId, new MemoryPersistence());
        try {
            client.setTimeToWait(timeout.toMillis());
            client.connect(options);
            client.disconnect();
        } finally {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1000);
                }
                client.close(true);
            } catch (MqttException e) {
                // nothing to do: the check is over
            }
        }
    }

    /** A clean start with no session kept, so the broker holds nothing for the check's client id. */
    private static void connectV5(MqttConnectionConfig config, String clientId, SocketFactory sockets, int connectSeconds,
            Duration timeout) throws org.eclipse.paho.mqttv5.common.MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(config.hosts().toArray(String[]::new));
        options.setCleanStart(true);
        options.setSessionExpiryInterval(0L);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(connectSeconds);
        if (config.username() != null) {
            options.setUserName(config.username());
        }
        if (config.password() != null) {
            options.setPassword(config.password().value().getBytes(StandardCharsets.UTF_8));
        }
        if (sockets != null) {
            options.setSocketFactory(sockets);
            options.setHttpsHostnameVerificationEnabled(config.hostnameVerification());
        }
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
                config.hosts().get(0), clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            client.setTimeToWait(timeout.toMillis());
            client.connect(options);
            client.disconnect();
        } finally {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1000);
                }
                client.close(true);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // nothing to do: the check is over
            }
        }
    }

    private static Problem problem(MqttConnectionConfig config, String hosts, boolean loginRefused, int code,
            Exception e) {
        if (loginRefused) {
            String key = config.password() != null ? MqttConnectionConfig.PASSWORD_CONFIG : MqttConnectionConfig.USERNAME_CONFIG;
            return new Problem(key, "The MQTT broker at " + hosts + " refused the login of user '" + config.username()
                    + "' (reason code " + code + ": " + e.getMessage() + ")");
        }
        SSLException tls = causeOf(e, SSLException.class);
        if (tls != null || (config.tls() && code == MqttException.REASON_CODE_CONNECTION_LOST)) {
            return tlsProblem(config, hosts, tls != null ? tls.getMessage() : "the broker closed the connection");
        }
        String why = causeOf(e, UnknownHostException.class) != null ? "unknown host"
                : causeOf(e, SocketTimeoutException.class) != null || code == MqttException.REASON_CODE_CLIENT_TIMEOUT
                ? "no answer in time" : String.valueOf(e.getCause() != null ? e.getCause() : e.getMessage());
        return new Problem(MqttConnectionConfig.HOSTS_CONFIG, "Cannot reach the MQTT broker at " + hosts + ": " + why
                + " (reason code " + code + ")");
    }

    private static Problem tlsProblem(MqttConnectionConfig config, String hosts, String detail) {
        String text = detail == null ? "" : detail;
        if (text.contains("PKIX") || text.contains("certification path") || text.contains("trust")) {
            String key = config.tlsFiles().truststore().isEmpty() ? MqttConnectionConfig.SSL_CA_CERT_CONFIG
                    : MqttConnectionConfig.SSL_TRUSTSTORE_CONFIG;
            return new Problem(key, "TLS with the MQTT broker at " + hosts + " failed: this task does not trust the "
                    + "broker's certificate (give the CA that signed it in " + key + "): " + text);
        }
        if (text.contains("subject alternative") || text.contains("No name matching")) {
            return new Problem(MqttConnectionConfig.SSL_HOSTNAME_VERIFICATION_CONFIG, "TLS with the MQTT broker at "
                    + hosts + " failed: its certificate does not name that host: " + text);
        }
        String key = config.tlsFiles().keystore().isEmpty() ? MqttConnectionConfig.SSL_CERT_CONFIG : MqttConnectionConfig.SSL_KEYSTORE_CONFIG;
        return new Problem(key, "TLS with the MQTT broker at " + hosts + " failed: the broker refused the connection "
                + "during or right after the handshake, as brokers do when they require a client certificate that "
                + "is missing or not signed by a CA they trust (" + key + "): " + text);
    }

    /** The key a ConfigException names ("Invalid value x for configuration <key>: ..."), else the CA key. */
    private static String keyOf(ConfigException e) {
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("for configuration (\\S+?):").matcher(
                String.valueOf(e.getMessage()));
        return key.find() ? key.group(1) : MqttConnectionConfig.SSL_CA_CERT_CONFIG;
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
