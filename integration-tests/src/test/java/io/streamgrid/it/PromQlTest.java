package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void namesOfAnAggregationOverARate() {
        assertThat(PromQl.metricNames("sum by (connector, task) (rate(streamgrid_records_in_total"
                + "{connector=~\"$connector\"}[$__rate_interval]))")).containsExactly("streamgrid_records_in_total");
    }

    @Test
    void namesOnBothSidesOfAJoinAndNotTheLabelsOrStrings() {
        assertThat(PromQl.metricNames("max by (connector) (streamgrid_end_to_end_lag_max) > 10000 and on (connector) "
                + "kafka_connect_connector_class{connector_class=~\".*SinkConnector\"} or vector(0) offset 5m"))
                .containsExactly("kafka_connect_connector_class", "streamgrid_end_to_end_lag_max");
    }

    @Test
    void aggregationWrittenBeforeItsArgumentsAndNumbersWithExponents() {
        assertThat(PromQl.metricNames("sum(increase(a_total[1m])) by (x) * 1e3 + count without (y) (b) "
                + "/ label_replace(c, \"dst\", \"$1\", \"src\", \"(.*)\")"))
                .containsExactly("a_total", "b", "c");
    }
}
