package io.streamgrid.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark harness: runs the chosen cases and prints, for each, our figure, the baseline measured in the same
 * run and their ratio, as a markdown table to paste into docs/benchmarks.md. Only ratios from one run count.
 *
 * <p>Arguments: case names ({@code sink}; all when none), {@code --records N} (default 500000), {@code --rounds N}
 * (default 3; each figure is the best of its rounds), {@code --structures RING_BUFFER,IMAP,...} (the sink
 * case's STOREAS types, all when absent).
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) {
        int records = 500_000;
        int rounds = 3;
        Set<String> structures = new LinkedHashSet<>();
        Set<String> cases = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--records")) {
                records = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--structures")) {
                structures.addAll(List.of(args[++i].toUpperCase(Locale.ROOT).split(",")));
            } else if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("sink")) {
                cases.add(args[i]);
            } else {
                System.err.println("Unknown argument '" + args[i] + "'. Cases: sink. Options: --records N, --rounds N, --structures QUEUE,IMAP,...");
                System.exit(2);
            }
        }
        if (cases.isEmpty()) {
            cases.add("sink");
        }
        System.out.println(Machine.describe());
        List<Result> results = new ArrayList<>();
        if (cases.contains("sink")) {
            results.addAll(new HazelcastSinkBench(records, rounds, structures).run());
        }
        System.out.println();
        System.out.println(Result.markdownHeader());
        results.forEach(result -> System.out.println(result.markdownRow()));
        System.exit(0);
    }
}
