package io.streamgrid.bench;

/**
 * One line of the report: our figure and the baseline measured in the same run. Only the ratio means anything on
 * a shared machine, so the target is a ratio too.
 */
record Result(String benchCase, String ours, double oursRate, String baseline, double baselineRate, String unit,
        double targetRatio, String note) {

    double ratio() {
        return oursRate / baselineRate;
    }

    boolean met() {
        return ratio() >= targetRatio;
    }

    /** A row of the report; a case without a target (targetRatio 0) is shown for reference. */
    String markdownRow() {
        String target = targetRatio > 0 ? String.format(">= %.2f", targetRatio) : "none";
        String verdict = targetRatio <= 0 ? "reference" : met() ? "met" : "**missed**";
        return String.format("| %s | %s %,.0f | %s %,.0f | %s | %.2f | %s | %s |", benchCase, ours, oursRate,
                baseline, baselineRate, unit, ratio(), target, verdict + (note.isEmpty() ? "" : " " + note));
    }

    static String markdownHeader() {
        return "| case | ours | baseline | unit | ratio | target | |\n|---|---:|---:|---|---:|---:|---|";
    }
}
