package io.streamgrid.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void isTheProjectVersionMavenFilledIn() {
        assertThat(System.getProperty("expected.version")).as("set by surefire").isNotBlank();
        assertThat(Version.get()).isEqualTo(System.getProperty("expected.version"));
    }
}
