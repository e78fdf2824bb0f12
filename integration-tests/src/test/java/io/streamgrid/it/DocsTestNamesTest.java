package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tests the docs name exist, in the module the docs put them in: a paragraph that opens with a module's
 * directory (`integration-tests/` runs ...) names only that module's tests, and "`SomeTest` in some-module" means
 * some-module.
 */
class DocsTestNamesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern TEST = Pattern.compile("`([A-Z][a-z]\\w*(?:IT|Test))`( in `?([a-z][\\w-]*)`?)?");
    private static final Pattern OPENS_WITH_MODULE = Pattern.compile("^`([a-z][\\w-]*)/`");

    @Test
    void everyTestTheDocsNameIsWhereTheySay() throws IOException {
        Map<String, String> moduleOf = testModules();
        assertThat(moduleOf).as("test classes found").containsKey("DocsTestNamesTest");
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"),
                ROOT.resolve("config-examples/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> wrong = new ArrayList<>();
        for (Path page : pages) {
            for (String paragraph : Files.readString(page).split("\\n\\s*\\n")) {
                Matcher opening = OPENS_WITH_MODULE.matcher(paragraph.strip());
                String paragraphModule = opening.find() && Files.isRegularFile(ROOT.resolve(opening.group(1))
                        .resolve("pom.xml")) ? opening.group(1) : null;
                Matcher test = TEST.matcher(paragraph);
                while (test.find()) {
                    String name = test.group(1);
                    String said = test.group(3) != null && moduleOf.containsValue(test.group(3)) ? test.group(3)
                            : paragraphModule;
                    String actual = moduleOf.get(name);
                    if (actual == null) {
                        wrong.add(ROOT.relativize(page) + ": " + name + " is no test of any module");
                    } else if (said != null && !said.equals(actual)) {
                        wrong.add(ROOT.relativize(page) + ": " + name + " is put in " + said + ", but it is in "
                                + actual);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Every test class of the build by simple name, with the top-level directory of its module. */
    private static Map<String, String> testModules() throws IOException {
        Map<String, String> modules = new HashMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.map(ROOT::relativize)
                    .filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/java/")
                            && !p.toString().contains("/target/"))
                    .forEach(p -> modules.put(p.getFileName().toString().replace(".java", ""),
                            p.getName(0).toString()));
        }
        return modules;
    }
}
