package io.streamgrid.coap;

import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.kcql.KcqlStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The work of a client-mode connector in units, a statement on one server, and how the connector spreads them over
 * its tasks: with at least as many servers as tasks, whole servers (every unit of a server on one task, so that a
 * device talks to one endpoint); with fewer, the units one by one (one server's statements over several tasks, as
 * before there were lists of servers). A statement that reads a Resource Directory runs on every task, and each task
 * observes the servers the directory lists whose address falls in its share.
 */
final class TaskUnits {

    /** A task's units, as statement numbers (in its KCQL, from 1) at servers; not a user setting. */
    static final String UNITS_CONFIG = "streamgrid.coap.units";
    /** A task's share of the servers a Resource Directory lists, "i/n"; not a user setting. */
    static final String SHARE_CONFIG = "streamgrid.coap.share";

    /** A statement on a server; {@code server} null for a statement that reads a Resource Directory. */
    record Unit(CoapStatement statement, CoapUri server) {
    }

    private final List<Unit> units;
    private final int shareIndex;
    private final int shareCount;

    private TaskUnits(List<Unit> units, int shareIndex, int shareCount) {
        this.units = List.copyOf(units);
        this.shareIndex = shareIndex;
        this.shareCount = shareCount;
    }

    /** Every unit of the statements: each on every listed server, on the server its FROM names, or its directory. */
    static List<Unit> all(List<CoapStatement> statements, List<CoapUri> servers) {
        List<Unit> units = new ArrayList<>();
        for (CoapStatement statement : statements) {
            if (statement.directory() != null) {
                units.add(new Unit(statement, null));
            } else if (statement.server() != null) {
                units.add(new Unit(statement, statement.server()));
            } else {
                servers.forEach(server -> units.add(new Unit(statement, server)));
            }
        }
        return units;
    }

    /** A task's units, from the keys the connector gave it; all units when it gave none (one task). */
    static TaskUnits of(Map<String, String> props, List<CoapStatement> statements, List<CoapUri> servers) {
        List<Unit> all = all(statements, servers);
        String share = props.get(SHARE_CONFIG);
        int index = 0;
        int count = 1;
        if (share != null && share.contains("/")) {
            index = Integer.parseInt(share.substring(0, share.indexOf('/')));
            count = Integer.parseInt(share.substring(share.indexOf('/') + 1));
        }
        String assigned = props.get(UNITS_CONFIG);
        if (assigned == null) {
            return new TaskUnits(all, index, count);
        }
        List<Unit> mine = new ArrayList<>();
        for (Unit unit : all) {
            if (unit.server() == null) {
                mine.add(unit);
            }
        }
        for (String entry : assigned.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int at = entry.indexOf('@');
            CoapStatement statement = statements.get(Integer.parseInt(entry.substring(0, at).trim()) - 1);
            mine.add(new Unit(statement, CoapUri.server(entry.substring(at + 1).trim())));
        }
        return new TaskUnits(mine, index, count);
    }

    /**
     * The task configs of a client-mode connector: each a copy of {@code props} with its share of the units, its
     * statements (those it has units of) under the KCQL key, and its task id.
     */
    static List<Map<String, String>> spread(Map<String, String> props, String kcqlKey, List<KcqlStatement> kcql,
                                            List<CoapStatement> statements, List<CoapUri> servers, int maxTasks) {
        List<Unit> all = all(statements, servers);
        List<Unit> fixed = all.stream().filter(u -> u.server() != null).toList();
        boolean directories = all.size() > fixed.size();
        int tasks = Math.max(1, directories ? maxTasks : Math.min(maxTasks, fixed.size()));
        if (tasks == 1) { // one task does it all: no list of its units (ten thousand of them would bloat its config)
            return TaskIds.number(List.of(new HashMap<>(props)));
        }
        Map<String, Integer> serverTask = new LinkedHashMap<>();
        fixed.forEach(unit -> serverTask.putIfAbsent(unit.server().base(), 0));
        boolean byServer = serverTask.size() >= tasks;
        int next = 0;
        for (String server : serverTask.keySet()) {
            serverTask.put(server, next++ % tasks);
        }
        List<List<Unit>> shares = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < fixed.size(); i++) {
            Unit unit = fixed.get(i);
            shares.get(byServer ? serverTask.get(unit.server().base()) : i % tasks).add(unit);
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            List<Unit> share = shares.get(task);
            List<String> texts = new ArrayList<>();
            Map<CoapStatement, Integer> numbers = new HashMap<>();
            for (int s = 0; s < statements.size(); s++) {
                CoapStatement statement = statements.get(s);
                if (statement.directory() != null || share.stream().anyMatch(u -> u.statement() == statement)) {
                    texts.add(kcql.get(s).text());
                    numbers.put(statement, texts.size());
                }
            }
            List<String> entries = share.stream().map(u -> numbers.get(u.statement()) + "@" + u.server().base())
                    .toList();
            Map<String, String> config = new HashMap<>(props);
            config.put(kcqlKey, KcqlConfig.join(texts));
            config.put(UNITS_CONFIG, String.join(",", entries));
            config.put(SHARE_CONFIG, task + "/" + tasks);
            configs.add(config);
        }
        return TaskIds.number(configs);
    }

    List<Unit> units() {
        return units;
    }

    /** Whether this task observes the resources of {@code server} a Resource Directory lists. */
    boolean owns(CoapUri server) {
        return shareCount <= 1 || Math.floorMod(server.address().hashCode(), shareCount) == shareIndex;
    }

    boolean readsPlain() {
        return units.stream().anyMatch(u -> u.server() == null || !u.server().secure());
    }

    boolean readsSecure() {
        return units.stream().anyMatch(u -> u.server() != null ? u.server().secure() : u.statement().directory()
                .secure());
    }

    /** A coaps:// server of the task, for the message when it has no DTLS material; null when none. */
    String firstSecure() {
        return units.stream().map(u -> u.server() != null ? u.server() : u.statement().directory())
                .filter(CoapUri::secure).map(CoapUri::base).findFirst().orElse(null);
    }

    int serverCount() {
        return (int) units.stream().filter(u -> u.server() != null).map(u -> u.server().base()).distinct().count();
    }
}
