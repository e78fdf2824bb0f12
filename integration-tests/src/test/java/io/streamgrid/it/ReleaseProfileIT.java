package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.build.Plugin;
import io.strimzi.api.kafka.model.connect.build.ZipArtifact;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parent pom's release profile ({@code mvn -P release package -Drelease.source.url=...}), run by Maven on
 * stand-ins for the connector modules: projects of the same names with the parent pom as theirs, each with its zip
 * already where the build leaves it. The release writes a SHA-256 and a SHA-512 beside each zip, and the Strimzi
 * KafkaConnect with the zips' download URLs and SHA-512s, which Strimzi's model reads without an unknown field.
 * (The real modules' packaging is PluginPackagesTest's; this is what the release adds.)
 */
class ReleaseProfileIT {

    private static final Path ROOT = JmxExporterAgent.DEPLOY.getParent();

    @Test
    void theReleaseWritesEachZipsSha512AndTheKafkaConnectThatNamesThem(@TempDir Path dir) throws Exception {
        String version = version();
        List<String> modules = StrimziResourcesTest.connectorModules();
        Files.createDirectories(dir.resolve("deploy/strimzi"));
        Files.copy(StrimziResourcesTest.STRIMZI.resolve("kafka-connect.yaml"), dir.resolve("deploy/strimzi/kafka-connect.yaml"));
        Path plugins = Files.createDirectories(dir.resolve("target/plugins"));
        StringBuilder moduleList = new StringBuilder();
        for (String module : modules) {
            Files.createDirectories(dir.resolve(module));
            Files.writeString(dir.resolve(module).resolve("pom.xml"), standIn(module, version,
                    dir.resolve(module).relativize(ROOT.resolve("pom.xml"))));
            zip(plugins.resolve("streamgrid-" + module + "-" + version + ".zip"), module);
            moduleList.append("<module>").append(module).append("</module>");
        }
        Files.writeString(dir.resolve("pom.xml"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                + "<modelVersion>4.0.0</modelVersion><groupId>io.streamgrid.test</groupId>"
                + "<artifactId>release-stand-ins</artifactId><version>1</version><packaging>pom</packaging>"
                + "<modules>" + moduleList + "</modules></project>");

        maven(dir, "-P", "release", "package", "-Drelease.source.url=https://example.org/streamgrid");

        for (String module : modules) {
            Path zip = plugins.resolve("streamgrid-" + module + "-" + version + ".zip");
            assertThat(Files.readString(Path.of(zip + ".sha512")).trim()).as(module + " .sha512")
                    .isEqualTo(digest("SHA-512", zip));
            assertThat(Files.readString(Path.of(zip + ".sha256")).trim()).as(module + " .sha256")
                    .isEqualTo(digest("SHA-256", zip));
        }
        Path rendered = plugins.resolve("strimzi/kafka-connect.yaml");
        assertThat(Files.readString(rendered)).as("placeholders left").doesNotContain("@");
        StrimziResources.Resource resource = StrimziResources.read(rendered).get(0);
        assertThat(StrimziResources.unknownFields(resource.model())).isEmpty();
        KafkaConnect connect = (KafkaConnect) resource.model();
        assertThat(connect.getSpec().getBuild().getOutput().getImage()).endsWith(":" + version);
        for (Plugin plugin : connect.getSpec().getBuild().getPlugins()) {
            ZipArtifact artifact = (ZipArtifact) plugin.getArtifacts().get(0);
            String zip = plugin.getName() + "-" + version + ".zip";
            assertThat(artifact.getUrl()).isEqualTo("https://example.org/streamgrid/releases/download/v" + version + "/"
                    + zip);
            assertThat(artifact.getSha512sum()).as(plugin.getName()).isEqualTo(digest("SHA-512", plugins.resolve(zip)));
        }
    }

    /**
     * A project named like the connector module, the parent pom its parent (by a relative path: else Maven takes the
     * parent of the same version from the local repository), with nothing to build but the release.
     */
    private static String standIn(String module, String version, Path parent) {
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<parent><groupId>io.streamgrid</groupId><artifactId>streamgrid-parent</artifactId>"
                + "<version>" + version + "</version><relativePath>" + parent + "</relativePath>" // relative, as Maven wants
                + "</parent><artifactId>" + module + "</artifactId><packaging>pom</packaging>"
                + "<properties><third-party.skip>false</third-party.skip></properties>"
                // its doc/ would be laid out from the real docs; the zip is there already
                + "<build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                + "<artifactId>maven-antrun-plugin</artifactId><executions><execution><id>plugin-doc</id>"
                + "<configuration><skip>true</skip></configuration></execution></executions></plugin></plugins>"
                + "</build></project>";
    }

    private static void zip(Path file, String content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(content + "/manifest.json"));
            zip.write(("{\"name\": \"" + content + "\"}").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    private static String digest(String algorithm, Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
    }

    /** This build's Maven, offline, on the same local repository (the plugins the release uses are in it). */
    private static void maven(Path dir, String... args) throws IOException, InterruptedException {
        String home = System.getProperty("streamgrid.maven.home");
        List<String> command = new ArrayList<>(List.of(home == null ? "mvn" : Path.of(home, "bin", "mvn").toString(),
                "-B", "-q", "-o"));
        String repository = System.getProperty("streamgrid.maven.repo.local");
        if (repository != null) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        command.addAll(List.of(args));
        Path log = dir.resolve("maven.log");
        Process maven = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!maven.waitFor(5, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            throw new AssertionError("Maven did not finish in 5 minutes: " + command);
        }
        assertThat(maven.exitValue()).as(String.join(" ", command) + ":\n" + Files.readString(log)).isZero();
    }

    private static String version() throws IOException {
        Matcher version = Pattern.compile(
                "<artifactId>streamgrid-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
