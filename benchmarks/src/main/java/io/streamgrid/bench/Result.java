package io.streamgrid.bench;

/**
 * One line of the report: our figure and the baseline measured in the same run. Only the ratio means anything on
 * a shared machine, so the target is a ratio too.
 */
record Result(String benchCase, String ours, double oursRate, String baseline, double baselineRate, String unit,
        double targetRatio, String note, boolean lowerIsBetter) {

    Result(String benchCase, String ours, double oursRate, String baseline, double baselineRate, String unit,
            double targetRatio, String note) {
        this(benchCase, ours, oursRate, baseline, baselineRate, unit, targetRatio, note, false);
    }

    /** A figure with an absolute limit (a latency): met when at most {@code limit}; no limit when 0. */
    static Result atMost(String benchCase, String ours, double value, String unit, double limit, String note) {
        return new Result(benchCase, ours, value, "limit", limit, unit, limit > 0 ? 1 : 0, note, true);
    }

    double ratio() {
        return baselineRate == 0 ? 0 : oursRate / baselineRate;
    }

    boolean met() {
        return lowerIsBetter ? oursRate <= baselineRate : ratio() >= targetRatio;
    }

    /** A row of the report; a case without a target (targetRatio 0) is shown for reference. */
    String markdownRow() {
        if (lowerIsBetter) {
            String verdict = targetRatio <= 0 ? "reference" : met() ? "met" : "**missed**";
            return String.format("| %s | %s %.1f | %s | %s | | %s | %s |", benchCase, ours, oursRate,
                    baselineRate > 0 ? String.format("%.0f", baselineRate) : "", unit,
                    baselineRate > 0 ? String.format("<= %.0f %s", baselineRate, unit) : "none",
                    verdict + (note.isEmpty() ? "" : " " + note));
        }
        String target = targetRatio > 0 ? String.format(">= %.2f", targetRatio) : "none";
        String verdict = targetRatio <= 0 ? "reference" : met() ? "met" : "**missed**";
        return String.format("| %s | %s %,.0f | %s %,.0f | %s | %.2f | %s | %s |", benchCase, ours, oursRate,
                baseline, baselineRate, unit, ratio(), target, verdict + (note.isEmpty() ? "" : " " + note));
    }

    static String markdownHeader() {
        return "| case | ours | baseline | unit | ratio | target | |\n|---|---:|---:|---|---:|---:|---|";
    }
}
