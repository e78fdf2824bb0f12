package io.streamgrid.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void readsPkcs8PrivateAndPublicKeys(@TempDir Path dir) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Path key = dir.resolve("key.pem");
        Path pub = dir.resolve("pub.pem");
        Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(pub, "comment line\n" + pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        assertThat(PemFiles.privateKey(key.toString(), null)).isEqualTo(pair.getPrivate());
        assertThat(PemFiles.publicKeys(pub.toString())).containsExactly(pair.getPublic());
    }

    @Test
    void explainsWhatIsWrong(@TempDir Path dir) throws Exception {
        Path pkcs1 = dir.resolve("rsa.pem");
        Files.writeString(pkcs1, pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> PemFiles.privateKey(pkcs1.toString(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openssl pkcs8 -topk8");
        Path encrypted = dir.resolve("enc.pem");
        Files.writeString(encrypted, pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted.toString(), null))
                .hasMessageContaining("is encrypted; give its password");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("missing.pem").toString()))
                .hasMessageContaining("cannot be read");
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "nothing here");
        assertThatThrownBy(() -> PemFiles.publicKeys(empty.toString())).hasMessageContaining("holds no PEM public key");
    }
}
