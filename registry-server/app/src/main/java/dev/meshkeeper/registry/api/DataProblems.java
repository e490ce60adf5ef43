package dev.meshkeeper.registry.api;

import static dev.meshkeeper.registry.api.DataTree.readPath;

/**
 * The problems the shared data API answers with when data is missing or keeps changing, naming the data or map
 * entry and where to look.
 */
final class DataProblems {

    private DataProblems() {
    }

    static String what(String name) {
        return "data '" + name + "'";
    }

    static String what(String name, String key) {
        return "entry '" + key + "' of map '" + name + "'";
    }

    static AdminApiException notFound(String name) {
        return AdminApiException.notFound("name", "there is no shared data named '" + name + "'; see GET /api/v1/data "
                + "for every name");
    }

    static AdminApiException entryNotFound(String name, String key) {
        return AdminApiException.notFound("key", "map '" + name + "' has no entry '" + key + "'; see GET "
                + readPath(name) + " for its entries");
    }

    static AdminApiException keptChanging(String what) {
        return AdminApiException.conflict(what + " kept changing while this change was applied; nothing was "
                + "changed, retry the request");
    }
}
