package io.streamgrid.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a run's CPU went, by thread group (thread names with their numbers taken out): the CPU time each group's
 * threads used between {@link #start()} and {@link #report()}, in cores. Coarser than a sampling profile, but exact
 * and cheap, and enough to tell the member's work from the client's, the worker's and the broker's.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Linux's clock ticks per second for /proc's CPU times (USER_HZ, 100 on every common build). */
    private static final double TICKS_PER_SECOND = 100;
    private static final java.nio.file.Path TASKS = java.nio.file.Path.of("/proc/self/task");

    private final Map<Long, Long> startNanos = new HashMap<>();
    private Map<String, Long> startVmTicks;
    private long startWall;

    static ThreadCpu start() {
        ThreadCpu cpu = new ThreadCpu();
        for (long id : THREADS.getAllThreadIds()) {
            cpu.startNanos.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        cpu.startVmTicks = vmThreadTicks();
        cpu.startWall = System.nanoTime();
        return cpu;
    }

    /**
     * CPU ticks of the JVM's own threads, which are not Java threads (garbage collector, JIT compilers), by group,
     * from /proc on Linux; empty elsewhere.
     */
    private static Map<String, Long> vmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        if (!java.nio.file.Files.isDirectory(TASKS)) {
            return ticks;
        }
        try (var tasks = java.nio.file.Files.list(TASKS)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).trim();
                    String group = name.startsWith("GC Thread") || name.startsWith("G1 ") ? "JVM: garbage collector"
                            : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "JVM: JIT compiler"
                            : null;
                    if (group != null) {
                        String stat = java.nio.file.Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.merge(group, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** The groups that used the most, as "group 0.52" (cores), largest first, and the total of all groups. */
    String report() {
        double wall = System.nanoTime() - startWall;
        Map<String, Double> cores = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            String group = info.getThreadName().replaceAll("\\d+", "N");
            cores.merge(group, (now - startNanos.getOrDefault(id, 0L)) / wall, Double::sum);
        }
        vmThreadTicks().forEach((group, ticks) -> cores.merge(group,
                (ticks - startVmTicks.getOrDefault(group, 0L)) / TICKS_PER_SECOND / (wall / 1e9), Double::sum));
        double total = cores.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format("%.2f cores in threads: ", total) + cores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }
}
