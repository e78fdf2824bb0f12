package io.streamgrid.bench;

import java.util.Locale;

/** The benchmark's device readings: JSON of exactly 100 bytes whose id and device can be read back cheaply. */
final class Payloads {

    private Payloads() {
    }

    static String json100(int i, int devices) {
        return String.format(Locale.ROOT,
                "{\"id\":\"r-%09d\",\"device\":\"dev-%05d\",\"temperature\":%6.2f,\"humidity\":%5.2f,\"time\":%d}",
                i, i % devices, 15 + (i % 2000) / 100.0, 30 + (i % 500) / 10.0, 1_763_790_000_000L + i);
    }

    static String id(String json) {
        return json.substring(7, 18);
    }

    static String device(String json) {
        return json.substring(30, 39);
    }
}
