package io.streamgrid.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MetricsDocsTest {

    @Test
    void committedReferenceMatchesTheMetrics() throws IOException {
        assertThat(Files.readString(Path.of("..", "docs", "metrics.md")))
                .as("regenerate with: mvn -q install -DskipTests && mvn -q -pl connect-common exec:java")
                .isEqualTo(MetricsDocs.markdown());
    }

    @Test
    void everyMetricIsInTheReference() {
        for (StreamGridMetric metric : StreamGridMetric.values()) {
            assertThat(MetricsDocs.markdown()).contains("| `" + metric.metricName() + "` |");
        }
    }
}
