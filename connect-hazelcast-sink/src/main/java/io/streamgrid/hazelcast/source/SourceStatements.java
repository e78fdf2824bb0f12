package io.streamgrid.hazelcast.source;

import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.KcqlStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's statements by the structure they read. A structure is read once, by one cursor per sequence, for all
 * the statements that read it, so its offsets are one sequence per source partition whatever the statements do
 * with the items; statements on one structure must therefore agree on where to start and how much to read at once.
 */
final class SourceStatements {

    private SourceStatements() {
    }

    /** Compiles the statements (numbered from 1), grouped by structure in the order they first appear. */
    static Map<StructureId, List<SourceStatement>> byStructure(List<KcqlStatement> statements) {
        Map<StructureId, List<SourceStatement>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < statements.size(); i++) {
            KcqlStatement kcql = statements.get(i);
            SourceStatement statement = SourceStatement.compile(kcql, i + 1);
            StructureId id = new StructureId(statement.type(), statement.structure());
            List<SourceStatement> same = grouped.computeIfAbsent(id, k -> new ArrayList<>());
            if (!same.isEmpty()) {
                agree(same.get(0), statement);
            }
            same.add(statement);
        }
        return grouped;
    }

    /** Two statements on one structure share its cursor: a start or BATCH that differs is an error at the second. */
    private static void agree(SourceStatement first, SourceStatement second) {
        KcqlStatement kcql = second.kcql();
        if (first.start() != second.start()) {
            throw kcql.errorAt(kcql.clausePositions().getOrDefault(Clause.PROPERTIES, kcql.start()), "PROPERTIES",
                    "start = '" + second.start().property() + "', but the statement before it on " + describe(second)
                            + " starts at '" + first.start().property() + "'; statements on one structure read it "
                            + "together, so give them the same start");
        }
        if (first.batch() != second.batch()) {
            throw kcql.errorAt(kcql.clausePositions().getOrDefault(Clause.BATCH, kcql.start()), "BATCH", "BATCH "
                    + second.batch() + ", but the statement before it on " + describe(second) + " reads "
                    + first.batch() + " at a time; statements on one structure read it together, so give them the "
                    + "same BATCH");
        }
    }

    private static String describe(SourceStatement statement) {
        return new StructureId(statement.type(), statement.structure()).toString();
    }

    /** The kcql key's check: every statement compiles, and statements on one structure agree. */
    static final class Check implements KcqlConfig.StatementCheck {
        @Override
        public void check(KcqlStatement statement) {
            SourceStatement.compile(statement, 1);
        }

        @Override
        public void checkAll(List<KcqlStatement> statements) {
            byStructure(statements);
        }
    }
}
