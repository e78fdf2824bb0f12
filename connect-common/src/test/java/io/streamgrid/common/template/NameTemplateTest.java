package io.streamgrid.common.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NameTemplateTest {

    @Test
    void referencesAreReplacedAndTheRestKept() {
        NameTemplate template = NameTemplate.parse("telemetry_${site}_${ 2 }");
        assertThat(template.isConstant()).isFalse();
        assertThat(template.references()).containsExactly("site", "2");
        assertThat(template.literalText()).isEqualTo("telemetry__");
        assertThat(template.resolve(Map.of("site", "roof", "2", 7)::get)).isEqualTo("telemetry_roof_7");
        assertThat(NameTemplate.parse("${_key}").resolve(r -> "k1")).isEqualTo("k1");
    }

    @Test
    void aNameWithoutReferencesIsConstant() {
        NameTemplate template = NameTemplate.parse("sensor_ringbuffer");
        assertThat(template.isConstant()).isTrue();
        assertThat(template.resolve(r -> {
            throw new AssertionError("no lookup for a constant name");
        })).isEqualTo("sensor_ringbuffer");
        assertThat(NameTemplate.parse("$").isConstant()).isTrue();
        assertThat(NameTemplate.parse("a$b{c}").isConstant()).isTrue();
    }

    @Test
    void malformedReferencesAndMissingValuesAreNamed() {
        assertThatThrownBy(() -> NameTemplate.parse("t_${site")).hasMessage("'${' at character 3 of 't_${site' has no "
                + "closing '}'");
        assertThatThrownBy(() -> NameTemplate.parse("t_${}")).hasMessageContaining("names nothing");
        assertThatThrownBy(() -> NameTemplate.parse("t_${site}").resolve(r -> null))
                .hasMessage("'${site}' in the name 't_${site}' has no value");
    }
}
