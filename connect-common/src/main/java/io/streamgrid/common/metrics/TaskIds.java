package io.streamgrid.common.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers task configs, so a task knows its id on workers that do not tell it (before Kafka 4.1 a task
 * cannot ask its context): the id tags its metrics.
 */
public final class TaskIds {

    /** Set by our connectors in each task config; not a user setting. */
    public static final String TASK_ID_CONFIG = "streamgrid.task.id";

    private TaskIds() {
    }

    /** Copies of the configs, each with its index as task id, in the order the worker numbers tasks. */
    public static List<Map<String, String>> number(List<Map<String, String>> taskConfigs) {
        List<Map<String, String>> numbered = new ArrayList<>(taskConfigs.size());
        for (int i = 0; i < taskConfigs.size(); i++) {
            Map<String, String> config = new HashMap<>(taskConfigs.get(i));
            config.put(TASK_ID_CONFIG, String.valueOf(i));
            numbered.add(config);
        }
        return numbered;
    }
}
