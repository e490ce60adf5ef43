package dev.meshkeeper.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A weighted split of calls by instance version, parsed from {@code v1=90,v2=10}: each call goes to the instances
 * of one version, drawn with probability weight / sum of weights.
 */
record VersionSplit(Map<String, Integer> weights) {

    VersionSplit {
        weights = Map.copyOf(weights);
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    static VersionSplit parse(String text) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry + "' is not version=weight");
            }
            String version = entry.substring(0, equals).trim();
            int weight;
            try {
                weight = Integer.parseInt(entry.substring(equals + 1).trim());
            }
            catch (NumberFormatException ex) {
                throw new IllegalArgumentException("the weight of '" + version + "' is not a whole number");
            }
            if (weight < 0) {
                throw new IllegalArgumentException("the weight of '" + version + "' is negative");
            }
            if (weights.put(version, weight) != null) {
                throw new IllegalArgumentException("version '" + version + "' appears twice");
            }
        }
        if (weights.isEmpty() || weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("it names no version with a weight above 0");
        }
        return new VersionSplit(weights);
    }
}
