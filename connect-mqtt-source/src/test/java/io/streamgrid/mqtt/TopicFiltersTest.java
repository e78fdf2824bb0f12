package io.streamgrid.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopicFiltersTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "sensors/+/temp,      sensors/kitchen/temp,  true",
            "sensors/+/temp,      sensors/kitchen/hum,   false",
            "sensors/+/temp,      sensors/temp,          false",
            "sensors/+/temp,      sensors/a/b/temp,      false",
            "sensors/+,           sensors/,              true",
            "a/#,                 a,                     true",
            "a/#,                 a/b,                   true",
            "a/#,                 a/b/c/d,               true",
            "a/#,                 ab,                    false",
            "#,                   anything/at/all,       true",
            "#,                   /leading,              true",
            "#,                   $SYS/broker/load,      false",
            "+/broker/load,       $SYS/broker/load,      false",
            "$SYS/#,              $SYS/broker/load,      true",
            "/mjson,              /mjson,                true",
            "/mjson,              mjson,                 false",
            "+/+,                 /finance,              true",
            "+,                   /finance,              false",
            "exact/topic,         exact/topic,           true",
            "exact/topic,         exact/topic/more,      false",
            "$share/group/a/+,    a/b,                   true",
            "$share/group/a/+,    a/b/c,                 false",
            "$share/g/#,          x/y,                   true"})
    void matchesAsTheMqttSpecSays(String filter, String topic, boolean matches) {
        assertThat(TopicFilters.matches(filter, topic)).isEqualTo(matches);
    }

    @Test
    void sharedSubscriptions() {
        assertThat(TopicFilters.isShared("$share/workers/sensors/#")).isTrue();
        assertThat(TopicFilters.matchingFilter("$share/workers/sensors/#")).isEqualTo("sensors/#");
        assertThat(TopicFilters.isShared("sensors/#")).isFalse();
    }

    @Test
    void invalidFiltersAreExplained() {
        assertThat(TopicFilters.problem("a/#/b")).contains("'#' must be a whole level and the last one");
        assertThat(TopicFilters.problem("a/b#")).contains("'#' must be a whole level");
        assertThat(TopicFilters.problem("a/+b")).contains("'+' must be a whole level");
        assertThat(TopicFilters.problem("$share/+/a")).contains("$share/<group>/<filter>");
        assertThat(TopicFilters.problem("$share/g")).contains("$share/<group>/<filter>");
        assertThat(TopicFilters.problem("")).contains("must not be empty");
        assertThat(TopicFilters.problem("sensors/+/temp")).isNull();
        assertThat(TopicFilters.problem("$share/g/a/#")).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "sensors/kitchen/temp,   sensors.kitchen.temp",
            "/mjson,                 .mjson",
            "a.b/c,                  a_2Eb.c",
            "my_topic,               my_5Ftopic",
            "with space,             with_20space",
            "température,            temp_C3_A9rature",
            "dash-ok,                dash-ok",
            "/,                      _2F"})
    void kafkaTopicMapping(String mqtt, String kafka) {
        assertThat(TopicFilters.kafkaTopic(mqtt)).isEqualTo(kafka).matches("[a-zA-Z0-9._-]+");
    }

    @Test
    void kafkaTopicMappingNeverMergesTwoTopics() {
        List<String> tricky = List.of("a/b", "a.b", "a_b", "a_2Eb", "a__b", "a/_2E", "a._2E", "a b", "a+b", "a/b/",
                "a//b", "a_2F_2Fb");
        Set<String> mapped = new HashSet<>();
        tricky.forEach(t -> mapped.add(TopicFilters.kafkaTopic(t)));
        assertThat(mapped).hasSameSizeAs(tricky);
    }

    @Test
    void tooLongForKafka() {
        assertThatThrownBy(() -> TopicFilters.kafkaTopic("x".repeat(250)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Kafka allows 249");
    }
}
