package dev.meshkeeper.data;

import java.util.regex.Pattern;
import org.apache.curator.utils.PathUtils;

/** Where shared data lives in ZooKeeper, and which names and keys are allowed. */
final class DataPaths {

    static final String RULE = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}";

    private static final Pattern ALLOWED = Pattern.compile(RULE);

    private final String root;

    DataPaths(String root) {
        try {
            PathUtils.validatePath(root);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("meshkeeper.data.root '" + root + "' is not a ZooKeeper path ("
                    + ex.getMessage() + "); write an absolute path such as /meshkeeper/data");
        }
        this.root = root.equals("/") ? "" : root;
    }

    String root() {
        return this.root.isEmpty() ? "/" : this.root;
    }

    /** The node of {@code name}, after checking the name. */
    String of(String name) {
        check("name", name);
        return this.root + "/" + name;
    }

    /** The node of {@code key} in the map {@code name}, after checking the key. */
    String entry(String name, String key) {
        check("key", key);
        return this.root + "/" + name + "/" + key;
    }

    private static void check(String what, String value) {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("Shared data " + what + " '" + value + "' is not allowed: "
                    + what + "s match " + RULE + " (letters, digits, '_', '-' and '.', not starting with '.', "
                    + "at most 128 characters)");
        }
    }
}
