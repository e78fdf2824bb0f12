package io.streamgrid.coap.server;

import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * Config fragment for the CoAP source's server mode, where devices send to the connector: the addresses each task
 * listens on, how tasks share them, and how devices authenticate (DTLS PSK per device from a credentials file, X.509
 * client certificates signed by a CA; plain UDP only when allowed).
 */
public record CoapServerConfig(String bindHost, int port, int dtlsPort, Ports ports, boolean allowInsecure,
                               String pskFile, String cert, String key, Password keyPassword, String caCert,
                               Duration retryAfter) {

    /** How the tasks of one connector share the ports. */
    public enum Ports {
        /** Every task binds the same ports with SO_REUSEPORT; the kernel spreads the devices over them. */
        SHARED,
        /** Task n binds port + n and dtls.port + n, for hosts without SO_REUSEPORT. */
        PER_TASK
    }

    public static final String PREFIX = "connect.coap.server";
    public static final String BIND_HOST_CONFIG = PREFIX + ".bind.host";
    public static final String PORT_CONFIG = PREFIX + ".port";
    public static final String DTLS_PORT_CONFIG = PREFIX + ".dtls.port";
    public static final String PORTS_CONFIG = PREFIX + ".ports";
    public static final String ALLOW_INSECURE_CONFIG = PREFIX + ".allow.insecure";
    public static final String PSK_FILE_CONFIG = PREFIX + ".psk.file";
    public static final String CERT_CONFIG = PREFIX + ".dtls.cert";
    public static final String KEY_CONFIG = PREFIX + ".dtls.key";
    public static final String KEY_PASSWORD_CONFIG = PREFIX + ".dtls.key.password";
    public static final String CA_CERT_CONFIG = PREFIX + ".dtls.ca.cert";
    public static final String RETRY_AFTER_CONFIG = PREFIX + ".retry.after";

    /** Why a server-mode config without any way to authenticate devices cannot start. */
    public static final String NO_AUTHENTICATION = "server mode needs authenticated devices: a PSK file ("
            + PSK_FILE_CONFIG + ") or a server certificate for devices with certificates (" + CERT_CONFIG + " and "
            + CA_CERT_CONFIG + "); or, to take unauthenticated plain CoAP, " + ALLOW_INSECURE_CONFIG + "=true";

    /** Defines the server mode's keys in {@code group} from {@code order + 1} on; returns the last order used. */
    public static int define(ConfigDef def, String group, int order) {
        def.define(BIND_HOST_CONFIG, Type.STRING, "0.0.0.0", Importance.MEDIUM,
                        "Server mode: the address each task listens on for devices.", group, ++order, Width.MEDIUM,
                        "Listen address")
                .define(PORT_CONFIG, Type.INT, 5683, ConfigDef.Range.between(0, 65535), Importance.MEDIUM,
                        "Server mode: the UDP port of plain CoAP (only with " + ALLOW_INSECURE_CONFIG + "=true).",
                        group, ++order, Width.SHORT, "CoAP port")
                .define(DTLS_PORT_CONFIG, Type.INT, 5684, ConfigDef.Range.between(0, 65535), Importance.MEDIUM,
                        "Server mode: the UDP port of CoAP over DTLS, open when " + PSK_FILE_CONFIG + " or "
                                + CERT_CONFIG + " is set.", group, ++order, Width.SHORT, "CoAPs port")
                .define(PORTS_CONFIG, Type.STRING, "shared", ConfigDef.CaseInsensitiveValidString.in("shared",
                                "per-task"), Importance.LOW,
                        "Server mode, several tasks on one worker: 'shared' binds every task to the same ports with "
                                + "SO_REUSEPORT (Linux and macOS; the kernel keeps each device on one task); "
                                + "'per-task' binds task n to port + n and dtls.port + n (put one address per port "
                                + "behind the load balancer).", group, ++order, Width.SHORT, "Ports of the tasks")
                .define(ALLOW_INSECURE_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Server mode: listen on plain UDP too (" + PORT_CONFIG + "), where devices are not "
                                + "authenticated and the device id comes from the request path only. Off by default.",
                        group, ++order, Width.SHORT, "Allow plain CoAP")
                .define(PSK_FILE_CONFIG, Type.STRING, "", Importance.HIGH,
                        "Server mode: a properties file of the devices' DTLS pre-shared keys, one identity=secret a "
                                + "line (the secret as UTF-8 text, or hex after 0x). Read again when it changes, so "
                                + "devices are added and removed without a restart. The path may come from a config "
                                + "provider.", group, ++order, Width.LONG, "Device PSK file")
                .define(CERT_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Server mode: PEM file of the server's certificate (and chain), for devices that "
                                + "authenticate with X.509 certificates. Needs " + KEY_CONFIG + " and "
                                + CA_CERT_CONFIG + ".", group, ++order, Width.LONG, "Server certificate (PEM)")
                .define(KEY_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Server mode: PEM file of the server's private key (PKCS#8).", group, ++order, Width.LONG,
                        "Server key (PEM)")
                .define(KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW,
                        "Server mode: the password of an encrypted server key.", group, ++order, Width.MEDIUM,
                        "Server key password")
                .define(CA_CERT_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Server mode: PEM file of the CA certificates that sign the devices' certificates; a "
                                + "device whose certificate they do not sign is refused.", group, ++order, Width.LONG,
                        "Device CA certificates (PEM)")
                .define(RETRY_AFTER_CONFIG, Type.INT, 5, ConfigDef.Range.between(1, 3600), Importance.LOW,
                        "Server mode: the Max-Age, in seconds, of the 5.03 a device gets when the task cannot take "
                                + "its request (the queue is full, or the task is stopping): when to try again.",
                        group, ++order, Width.SHORT, "Retry after (s)");
        return order;
    }

    public static CoapServerConfig from(AbstractConfig config) {
        return new CoapServerConfig(config.getString(BIND_HOST_CONFIG).trim(), config.getInt(PORT_CONFIG),
                config.getInt(DTLS_PORT_CONFIG),
                Ports.valueOf(config.getString(PORTS_CONFIG).trim().toUpperCase(Locale.ROOT).replace('-', '_')),
                config.getBoolean(ALLOW_INSECURE_CONFIG), config.getString(PSK_FILE_CONFIG).trim(),
                config.getString(CERT_CONFIG).trim(), config.getString(KEY_CONFIG).trim(),
                config.getPassword(KEY_PASSWORD_CONFIG), config.getString(CA_CERT_CONFIG).trim(),
                Duration.ofSeconds(config.getInt(RETRY_AFTER_CONFIG)));
    }

    /** Whether the task listens for DTLS: it has device PSKs, or a certificate to show devices. */
    public boolean dtls() {
        return !pskFile.isEmpty() || !cert.isEmpty();
    }

    /** The ports task {@code task} binds (plain, DTLS): the configured ones, or those plus the task number. */
    public int portOf(int configured, int task) {
        return ports == Ports.PER_TASK && configured != 0 ? configured + task : configured;
    }
}
