package io.streamgrid.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads the key material connectors are configured with: PEM certificates, PKCS#8 private keys (plain or
 * encrypted, as openssl writes them), PEM public keys, and PKCS12/JKS stores. Every problem is an
 * {@link IllegalArgumentException} that says what is wrong with which file, for the caller to attach to its key.
 */
public final class PemFiles {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "Ed25519", "DSA"};

    private PemFiles() {
    }

    public static List<X509Certificate> certificates(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            List<X509Certificate> certificates = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(c -> certificates.add((X509Certificate) c));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no PEM certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds no valid certificate: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 private key; {@code password} is needed (only) for an encrypted one. */
    public static PrivateKey privateKey(String file, char[] password) {
        for (Block block : blocks(file)) {
            try {
                if (block.type().equals("PRIVATE KEY")) {
                    return keyFromPkcs8(block.der());
                }
                if (block.type().equals("ENCRYPTED PRIVATE KEY")) {
                    if (password == null || password.length == 0) {
                        throw new IllegalArgumentException("the key in " + file + " is encrypted; give its password");
                    }
                    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(block.der());
                    // PBES2 (what openssl writes) names its real algorithm in the parameters
                    String algorithm = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
                    Cipher cipher = Cipher.getInstance(algorithm);
                    cipher.init(Cipher.DECRYPT_MODE,
                            SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password)),
                            info.getAlgParameters());
                    return keyFromPkcs8(info.getKeySpec(cipher).getEncoded());
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("the key in " + file + " cannot be read (wrong password?): "
                        + e.getMessage(), e);
            }
            if (block.type().endsWith("PRIVATE KEY")) {
                throw new IllegalArgumentException(file + " holds a '" + block.type() + "' (PKCS#1 or SEC1); convert it "
                        + "to PKCS#8: openssl pkcs8 -topk8 -in key.pem -out key-pkcs8.pem -nocrypt");
            }
        }
        throw new IllegalArgumentException(file + " holds no PEM private key");
    }

    /** The PEM public keys ("BEGIN PUBLIC KEY") in a file, e.g. trusted raw public keys. */
    public static List<PublicKey> publicKeys(String file) {
        List<PublicKey> keys = new ArrayList<>();
        for (Block block : blocks(file)) {
            if (block.type().equals("PUBLIC KEY")) {
                keys.add(publicKey(file, block.der()));
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM public key");
        }
        return keys;
    }

    public static KeyStore keyStore(String file, String type, char[] password) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " cannot be read as a " + type + " store: " + e.getMessage(), e);
        }
    }

    private static PrivateKey keyFromPkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static PublicKey publicKey(String file, byte[] der) {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + " holds a public key of an unknown algorithm");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            blocks.add(new Block(pem.group(1), Base64.getMimeDecoder().decode(pem.group(2))));
        }
        return blocks;
    }
}
