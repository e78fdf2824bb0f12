package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md, CHANGELOG.md, docs/ and config-examples/README.md leads to a file that exists,
 * and to a heading in it.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void relativeLinksResolve() throws IOException {
        List<String> pages = new ArrayList<>(List.of("README.md", "CHANGELOG.md", "config-examples/README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(p -> pages.add("docs/" + p.getFileName()));
        }
        MarkdownLinks.Tree repository = new MarkdownLinks.Tree(path -> Files.exists(ROOT.resolve(path)), path -> {
            try {
                return Files.readString(ROOT.resolve(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<String> broken = new ArrayList<>();
        for (String page : pages) {
            broken.addAll(MarkdownLinks.broken(repository, page));
        }
        assertThat(broken).as("broken links").isEmpty();
    }
}
