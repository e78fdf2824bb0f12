package io.streamgrid.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the demo's temporary files, so a run leaves nothing behind in the temporary directory. */
final class TempFiles {

    private TempFiles() {
    }

    /** Deletes {@code dir} and everything in it; what cannot be deleted (a file still open) is left. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a file another thread still writes: left behind, the rest goes
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // the tree changed while it was walked: what was deleted stays deleted
        }
    }
}
