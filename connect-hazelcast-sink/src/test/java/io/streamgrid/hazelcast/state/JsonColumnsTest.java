package io.streamgrid.hazelcast.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The columns a batch's JSON texts need, from a scan of each text. */
class JsonColumnsTest {

    private static Map<String, String> drain(JsonColumns columns) {
        Map<String, String> drained = new LinkedHashMap<>();
        columns.drainInto(drained);
        return drained;
    }

    @Test
    void everyFieldOfEveryTextGetsTheWidestTypeItsValuesNeed() {
        JsonColumns columns = new JsonColumns();
        columns.add("{\"temp\":21,\"site\":\"roof\"}");
        columns.add("{\"temp\":21.5,\"humidity\":40,\"tags\":[1],\"gone\":null}");
        columns.add("{\"site\":1}");
        assertThat(drain(columns)).containsOnly(Map.entry("temp", "DOUBLE"), Map.entry("site", "VARCHAR"),
                Map.entry("humidity", "BIGINT"));
        assertThat(drain(columns)).as("drained").isEmpty();
    }

    /**
     * A text that is not one whole JSON object adds nothing, not even the fields before its fault: Hazelcast stores
     * it all the same, but SQL cannot read it, and its leading fields added columns and widened others.
     */
    @Test
    void aTextThatIsNotAJsonObjectAddsNothing() {
        JsonColumns columns = new JsonColumns();
        columns.add("{\"temp\":21}");
        columns.add("{\"temp\":\"hot\",\"site\":\"roof\""); // cut short
        columns.add("{\"pressure\":1013,\"ok\":tru}");
        columns.add("{\"humidity\":40} and more");
        columns.add("[1, 2]");
        columns.add("not json");
        assertThat(drain(columns)).containsOnly(Map.entry("temp", "BIGINT"));
    }
}
