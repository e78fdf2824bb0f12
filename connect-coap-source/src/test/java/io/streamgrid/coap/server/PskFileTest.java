package io.streamgrid.coap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credentials file read again as it changes, checked at every look here. */
class PskFileTest {

    @TempDir
    Path dir;

    /**
     * A file caught between truncation and writing (an editor, cp onto a mounted volume) holds nothing: taking that
     * for the devices' keys would answer every device 4.03, and each would drop its reading.
     */
    @Test
    void aFileFoundEmptyKeepsTheKeysReadBeforeAndTheNextWholeOneReplacesThem() throws Exception {
        Path file = Files.writeString(dir.resolve("devices.psk"), "dev-1=secret-1\n");
        PskFile keys = new PskFile("connect.coap.server.psk.file", file, () -> { }, 0);
        assertThat(keys.holds("dev-1")).isTrue();

        Files.writeString(file, "");
        assertThat(keys.holds("dev-1")).as("kept while the file is empty").isTrue();

        Files.writeString(file, "dev-2=secret-2\n");
        assertThat(keys.holds("dev-2")).isTrue();
        assertThat(keys.holds("dev-1")).as("removed").isFalse();
    }
}
