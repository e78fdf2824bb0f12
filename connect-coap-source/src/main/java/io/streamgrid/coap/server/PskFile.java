package io.streamgrid.coap.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices' pre-shared keys, from a properties file of {@code identity=secret} lines (the secret as UTF-8 text,
 * or hex after {@code 0x}). Scandium asks it for each handshake and the task for each request; at most once a second
 * that checks whether the file changed (its time or size) and reads it again, so devices come and go without a
 * restart. A file that cannot be read when it changed, or that holds no identity (caught half written), keeps the
 * keys read before, with a warning; an identity it does not hold is counted.
 */
final class PskFile implements AdvancedPskStore {

    private static final Logger LOG = LoggerFactory.getLogger(PskFile.class);
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final long checkIntervalNanos;
    private final Runnable unknownIdentity;
    private volatile Map<String, byte[]> secrets;
    private volatile String version;
    private volatile long checkedNanos = System.nanoTime();

    /** Reads the file now: one that cannot be read is a ConfigException on {@code key}. */
    PskFile(String key, Path file, Runnable unknownIdentity) {
        this(key, file, unknownIdentity, CHECK_INTERVAL_NANOS);
    }

    PskFile(String key, Path file, Runnable unknownIdentity, long checkIntervalNanos) {
        this.checkIntervalNanos = checkIntervalNanos;
        this.file = file;
        this.unknownIdentity = unknownIdentity;
        try {
            this.version = version(file);
            this.secrets = read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(key, file.toString(), "cannot read the device keys: " + e.getMessage());
        }
        LOG.info("Read {} device PSK identities from {}", secrets.size(), file);
    }

    private static String version(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.lastModifiedTime().toMillis() + "/" + attributes.size();
    }

    private static Map<String, byte[]> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, byte[]> secrets = new HashMap<>();
        for (String identity : properties.stringPropertyNames()) {
            String secret = properties.getProperty(identity).trim();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("the identity '" + identity + "' has no secret");
            }
            try {
                secrets.put(identity, secret.startsWith("0x") ? HexFormat.of().parseHex(secret.substring(2))
                        : secret.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the secret of the identity '" + identity + "' is not hex after "
                        + "0x: " + e.getMessage(), e);
            }
        }
        return secrets;
    }

    /** Reads the file again when it changed since it was last read; at most once a second. */
    private void refresh() {
        long now = System.nanoTime();
        if (now - checkedNanos < checkIntervalNanos) {
            return;
        }
        checkedNanos = now;
        synchronized (this) {
            try {
                String current = version(file);
                if (!current.equals(version)) {
                    Map<String, byte[]> read = read(file);
                    if (!current.equals(version(file))) {
                        return; // written while it was read: read it whole at the next check
                    }
                    version = current;
                    if (read.isEmpty() && !secrets.isEmpty()) {
                        // caught between truncation and writing (an editor, cp): refusing every device now would
                        // make each drop its reading
                        LOG.warn("The device PSK file {} holds no identity now; the {} keys read before stay until "
                                + "it holds some (write the file whole and move it into place)", file, secrets.size());
                        return;
                    }
                    secrets = read;
                    LOG.info("{} changed: {} device PSK identities now", file, secrets.size());
                }
            } catch (NoSuchFileException e) {
                LOG.warn("The device PSK file {} is gone; the {} keys read before stay", file, secrets.size());
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Cannot read the device PSK file {} again ({}); the {} keys read before stay", file,
                        e.getMessage(), secrets.size());
            }
        }
    }

    /** Whether the file (read again if it changed, at most once a second) still holds {@code identity}. */
    boolean holds(String identity) {
        refresh();
        return secrets.containsKey(identity);
    }

    int size() {
        return secrets.size();
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
                                                  PskPublicInformation identity, String hmacAlgorithm,
                                                  SecretKey otherSecret, byte[] seed, boolean useExtendedMasterSecret) {
        refresh();
        byte[] secret = secrets.get(identity.getPublicInfoAsString());
        if (secret == null) {
            unknownIdentity.run();
            LOG.debug("Refused the DTLS handshake of the unknown PSK identity '{}'", identity.getPublicInfoAsString());
            return new PskSecretResult(cid, identity, null);
        }
        SecretKey key = SecretUtil.create(secret, "PSK");
        return new PskSecretResult(cid, identity, key);
    }

    /** A server has no identity of its own to offer. */
    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null;
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // answers at once
    }
}
