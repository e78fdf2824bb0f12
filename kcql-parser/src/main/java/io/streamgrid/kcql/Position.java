package io.streamgrid.kcql;

/** A place in the KCQL text, both numbers counted from 1, so it reads the way an editor shows it. */
public record Position(int line, int column) {

    public Position {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column count from 1: " + line + ":" + column);
        }
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
