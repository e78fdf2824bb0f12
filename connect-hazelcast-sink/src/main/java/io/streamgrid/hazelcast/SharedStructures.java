package io.streamgrid.hazelcast;

import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.KcqlStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks each statement's target, and that statements writing one structure agree on how: they share its writer
 * (one batch in flight per structure keeps Kafka order), so a second statement with other STOREAS parameters,
 * format, TTL or BATCH would be written the first one's way without a word.
 */
final class SharedStructures implements KcqlConfig.StatementCheck {

    @Override
    public void check(KcqlStatement statement) {
        StoreTarget.of(statement);
    }

    @Override
    public void checkAll(List<KcqlStatement> statements) {
        Map<String, Integer> firstWriter = new HashMap<>();
        for (int i = 0; i < statements.size(); i++) {
            KcqlStatement statement = statements.get(i);
            StoreTarget target = StoreTarget.of(statement);
            String structure = target.type() + "/" + target.name();
            Integer first = firstWriter.putIfAbsent(structure, i);
            if (first == null) {
                continue;
            }
            String difference = difference(statements.get(first), statement);
            if (difference != null) {
                throw statement.errorAt(statement.positionAfter("INTO", statement.target()), statement.target(),
                        target.describe() + " is written by statement " + (first + 1) + " with "
                                + difference.replace("|", "; this statement writes it with ")
                                + ": statements writing one structure share its writer, so they must agree on "
                                + "WITHFORMAT, STOREAS parameters, TTL and BATCH");
            }
        }
    }

    /** The first setting in which two statements on one structure differ, as {@code "a = x|a = y"}; null if none. */
    private static String difference(KcqlStatement first, KcqlStatement second) {
        StoreTarget a = StoreTarget.of(first);
        StoreTarget b = StoreTarget.of(second);
        Object[][] settings = {
                {"WITHFORMAT", a.format(), b.format()},
                {"overflow =", a.overflow(), b.overflow()},
                {"jsonValue =", a.jsonValue(), b.jsonValue()},
                {"merge =", a.merge(), b.merge()},
                {"version =", a.versionField(), b.versionField()},
                {"compactType =", a.compactType(), b.compactType()},
                {"sqlMapping =", a.sqlMapping(), b.sqlMapping()},
                {"TTL =", ttl(first), ttl(second)},
                {"BATCH =", batch(first), batch(second)}};
        for (Object[] setting : settings) {
            if (!Objects.equals(setting[1], setting[2])) {
                return setting[0] + " " + shown(setting[1]) + "|" + setting[0] + " " + shown(setting[2]);
            }
        }
        return null;
    }

    private static Object shown(Object value) {
        return value == null ? "none" : value;
    }

    private static String ttl(KcqlStatement statement) {
        return statement.ttl().isPresent() ? String.valueOf(statement.ttl().getAsLong()) : "none";
    }

    private static String batch(KcqlStatement statement) {
        return statement.batch().isPresent() ? String.valueOf(statement.batch().getAsInt()) : "default";
    }
}
