package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.testing.MigrationGuide;
import org.junit.jupiter.api.Test;

/** docs/migrating-from-stream-reactor.md says of each old key what this connector really does with it. */
class MigrationGuideTest {

    @Test
    void theGuidesOldKeysAreTreatedAsItSays() throws Exception {
        assertThat(MigrationGuide.problems("CoAP source keys", CoapSourceConfig.CONFIG_DEF, CoapSourceConfig.ALIASES))
                .isEmpty();
    }
}
