package io.streamgrid.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.testing.MigrationGuide;
import org.junit.jupiter.api.Test;

/** docs/migrating-from-stream-reactor.md says of each old key what this connector really does with it. */
class MigrationGuideTest {

    @Test
    void theGuidesOldKeysAreTreatedAsItSays() throws Exception {
        assertThat(MigrationGuide.problems("MQTT source keys", MqttSourceConfig.CONFIG_DEF, MqttSourceConfig.ALIASES))
                .isEmpty();
    }
}
