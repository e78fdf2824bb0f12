package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.kcql.KcqlConnector;
import org.junit.jupiter.api.Test;

/**
 * The STOREAS types the sink's kcql key and the KCQL checker accept (declared in kcql-parser) are exactly the
 * structures the sink can write.
 */
class StoreTypeTest {

    @Test
    void theCapabilitiesInKcqlParserNameEveryStoreTypeAndNoOther() {
        assertThat(KcqlConnector.SINK.capabilities().storeAsTypes()).containsExactlyElementsOf(StoreType.names());
    }
}
