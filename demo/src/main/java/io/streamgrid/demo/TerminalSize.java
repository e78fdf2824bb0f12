package io.streamgrid.demo;

/**
 * How many rows and columns the view may take. A view as tall as the terminal would scroll it on every redraw, so the
 * view leaves the last row to the cursor; a line as wide as the terminal would wrap, so it stops a column short.
 */
record TerminalSize(int rows, int columns) {

    /** No terminal (plain output, a log): every line of the view, at full length. */
    static final TerminalSize UNLIMITED = new TerminalSize(Integer.MAX_VALUE, Integer.MAX_VALUE);

    /** What {@code stty} assumes when a terminal does not say. */
    static final TerminalSize CLASSIC = new TerminalSize(24, 80);

    TerminalSize {
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("a terminal has at least one row and one column, not " + rows + "x"
                    + columns);
        }
    }

    /** Lines a view may have. */
    int viewLines() {
        return rows == Integer.MAX_VALUE ? rows : Math.max(1, rows - 1);
    }

    /** Characters a line of the view may have. */
    int lineWidth() {
        return columns == Integer.MAX_VALUE ? columns : Math.max(1, columns - 1);
    }
}
