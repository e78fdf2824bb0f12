package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyWindowTest {

    @Test
    void percentilesOfEveryReadingInTheWindow() {
        LatencyWindow window = new LatencyWindow(60_000, 1000);
        for (int i = 1; i <= 100; i++) {
            window.record(1_000 + i, i); // latencies 1..100 ms
        }
        assertThat(window.percentiles(2_000)).isEqualTo(new LatencyWindow.Percentiles(100, 50, 99, 100));
    }

    @Test
    void readingsOlderThanTheWindowDropOut() {
        LatencyWindow window = new LatencyWindow(60_000, 1000);
        window.record(0, 500);
        window.record(50_000, 10);
        assertThat(window.percentiles(61_000)).isEqualTo(new LatencyWindow.Percentiles(1, 10, 10, 10));
        assertThat(window.percentiles(200_000).samples()).isZero();
    }

    @Test
    void boundedInCount() {
        LatencyWindow window = new LatencyWindow(60_000, 10);
        for (int i = 0; i < 1000; i++) {
            window.record(i, i);
        }
        assertThat(window.percentiles(1000).samples()).isEqualTo(10);
        assertThat(window.percentiles(1000).p50()).isEqualTo(994);
    }
}
