package io.streamgrid.hazelcast.state;

import io.streamgrid.common.format.JsonMembers;
import java.util.Arrays;
import java.util.Map;

/**
 * The columns a batch's JSON texts need: every top-level field of every text with the widest type its values
 * need. A name already met in the batch is found by its place in the text (a hash and a region compare), so a
 * batch of records with the same fields allocates nothing per record; only a new name is copied out. A text's
 * members count only once the whole text has proved one JSON object (the scan tells members as it goes).
 */
final class JsonColumns implements JsonMembers.Visitor {

    /** Names as written in the texts (escapes undecoded), in a table with open addressing. */
    private String[] names = new String[32];
    private String[] types = new String[32];
    private int[] hashes = new int[32];
    private int size;
    /** The members of the text being scanned, counted once it proved one JSON object. */
    private int[] memberStarts = new int[16];
    private int[] memberEnds = new int[16];
    private String[] memberTypes = new String[16];
    private int members;

    /** Adds the fields of one JSON text; a text that is not one JSON object adds nothing. */
    void add(String text) {
        members = 0;
        if (JsonMembers.visit(text, this)) {
            for (int i = 0; i < members; i++) {
                count(text, memberStarts[i], memberEnds[i], memberTypes[i]);
            }
        }
    }

    @Override
    public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind) {
        String type = ColumnTypes.of(kind);
        if (type == null) {
            return; // null, objects and arrays give no column
        }
        if (members == memberStarts.length) {
            memberStarts = Arrays.copyOf(memberStarts, members * 2);
            memberEnds = Arrays.copyOf(memberEnds, members * 2);
            memberTypes = Arrays.copyOf(memberTypes, members * 2);
        }
        memberStarts[members] = nameStart;
        memberEnds[members] = nameEnd;
        memberTypes[members] = type;
        members++;
    }

    private void count(String text, int nameStart, int nameEnd, String type) {
        int length = nameEnd - nameStart;
        int hash = 0;
        for (int i = nameStart; i < nameEnd; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        int mask = names.length - 1;
        int slot = hash & mask;
        while (names[slot] != null) {
            if (hashes[slot] == hash && names[slot].length() == length
                    && text.regionMatches(nameStart, names[slot], 0, length)) {
                types[slot] = ColumnTypes.widest(types[slot], type);
                return;
            }
            slot = (slot + 1) & mask;
        }
        names[slot] = text.substring(nameStart, nameEnd);
        types[slot] = type;
        hashes[slot] = hash;
        if (++size * 2 > names.length) {
            grow();
        }
    }

    /** Merges the fields gathered into {@code columns} (name to type, widest kept), and starts empty again. */
    void drainInto(Map<String, String> columns) {
        for (int slot = 0; slot < names.length; slot++) {
            if (names[slot] != null) {
                columns.merge(JsonMembers.name(names[slot], 0, names[slot].length()), types[slot],
                        ColumnTypes::widest);
            }
        }
        Arrays.fill(names, null);
        Arrays.fill(types, null);
        size = 0;
    }

    private void grow() {
        String[] oldNames = names;
        String[] oldTypes = types;
        int[] oldHashes = hashes;
        names = new String[oldNames.length * 2];
        types = new String[names.length];
        hashes = new int[names.length];
        int mask = names.length - 1;
        for (int i = 0; i < oldNames.length; i++) {
            if (oldNames[i] != null) {
                int slot = oldHashes[i] & mask;
                while (names[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                names[slot] = oldNames[i];
                types[slot] = oldTypes[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }
}
