package io.streamgrid.common.projection;

import io.streamgrid.kcql.FieldPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The IGNORE paths of a statement as a tree, so nested ignores ({@code a.b}) are found by walking down. */
final class IgnoreTree {

    private final Map<String, IgnoreTree> children = new HashMap<>();
    private boolean whole;

    static IgnoreTree of(List<FieldPath> paths) {
        IgnoreTree root = new IgnoreTree();
        for (FieldPath path : paths) {
            IgnoreTree node = root;
            for (String segment : path.segments()) {
                node = node.children.computeIfAbsent(segment, s -> new IgnoreTree());
            }
            node.whole = true;
        }
        return root;
    }

    /** The subtree for a child, or null when nothing under it is ignored. */
    IgnoreTree child(String name) {
        return children.get(name);
    }

    /** The subtree at a path, or null when nothing under it is ignored. */
    IgnoreTree at(List<String> path) {
        IgnoreTree node = this;
        for (String segment : path) {
            node = node.children.get(segment);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /** True when this node itself is ignored (not just something under it). */
    boolean isWhole() {
        return whole;
    }

    boolean hasChildren() {
        return !children.isEmpty();
    }
}
