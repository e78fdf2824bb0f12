package io.streamgrid.common.config;

import io.streamgrid.kcql.KcqlStatement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.connect.sink.SinkConnector;

/** How a sink's {@code topics} list and its KCQL statements' FROM topics must go together. */
public final class SinkTopics {

    private SinkTopics() {
    }

    /**
     * With a {@code topics} list, every topic needs a statement and every statement a topic; otherwise records
     * would have nowhere to go, or a statement would never see a record. Empty when they agree, or with
     * {@code topics.regex} (which topics match is known only at run time).
     */
    public static Optional<String> mismatch(Map<String, String> props, List<KcqlStatement> statements) {
        String topicList = props.get(SinkConnector.TOPICS_CONFIG);
        if (topicList == null || topicList.isBlank()) {
            return Optional.empty();
        }
        Set<String> topics = new TreeSet<>();
        for (String topic : topicList.split(",")) {
            if (!topic.isBlank()) {
                topics.add(topic.trim());
            }
        }
        Set<String> sources = new TreeSet<>();
        statements.forEach(s -> sources.add(s.source()));
        Set<String> unread = new TreeSet<>(topics);
        unread.removeAll(sources);
        Set<String> unsubscribed = new TreeSet<>(sources);
        unsubscribed.removeAll(topics);
        if (!unread.isEmpty()) {
            return Optional.of("no KCQL statement reads the topics " + unread + " listed in topics; add a statement "
                    + "FROM each of them or remove them from topics");
        }
        if (!unsubscribed.isEmpty()) {
            return Optional.of("KCQL statements read " + unsubscribed + ", which are not in topics " + topics
                    + "; add them to topics");
        }
        return Optional.empty();
    }
}
