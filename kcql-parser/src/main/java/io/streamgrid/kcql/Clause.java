package io.streamgrid.kcql;

/** The optional clauses of a statement, each written at most once, in any order after FROM. */
public enum Clause {
    IGNORE("IGNORE"),
    PK("PK"),
    WITHFORMAT("WITHFORMAT"),
    STOREAS("STOREAS"),
    WITHKEY("WITHKEY"),
    KEYDELIMITER("KEYDELIMITER"),
    WITHCONVERTER("WITHCONVERTER"),
    WITHREGEX("WITHREGEX"),
    TTL("TTL"),
    BATCH("BATCH"),
    LIMIT("LIMIT"),
    PROPERTIES("PROPERTIES"),
    /** What kind of structure a source reads: {@code WITHTYPE RELIABLE_TOPIC} (stream-reactor's JMS source has it). */
    WITHTYPE("WITHTYPE"),
    WHERE("WHERE");

    private final String keyword;

    Clause(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
