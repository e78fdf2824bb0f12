package io.streamgrid.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void tableFollowsGroupsAndOrder() {
        ConfigDef def = new ConfigDef()
                .define("b.second", ConfigDef.Type.INT, 5, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                        "Second | with pipe.", "G1", 2, ConfigDef.Width.SHORT, "B")
                .define("a.first", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                        "First.", "G1", 1, ConfigDef.Width.SHORT, "A")
                .define("c.secret", ConfigDef.Type.PASSWORD, "x", ConfigDef.Importance.MEDIUM,
                        "Secret.", "G2", 1, ConfigDef.Width.SHORT, "C");
        String md = ConfigDocs.markdown("Title", def);
        assertThat(md).startsWith("# Title\n");
        assertThat(md.indexOf("a.first")).isLessThan(md.indexOf("b.second"));
        assertThat(md.indexOf("## G1")).isLessThan(md.indexOf("## G2"));
        assertThat(ConfigDocs.tables(def, "####")).startsWith("\n#### G1\n");
        assertThat(md).contains("| `a.first` | string | required |  | high | First. |")
                .contains("| `b.second` | int | `5` | [1,...] | low | Second \\| with pipe. |")
                .contains("| `c.secret` | password | [hidden] |");
    }
}
