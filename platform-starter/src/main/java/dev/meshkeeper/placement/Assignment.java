package dev.meshkeeper.placement;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What this instance works on in one work group now.
 * @param group the work group
 * @param member this instance's member id (its instance id)
 * @param generation the generation of the newest assignment this instance has seen (0 before the first)
 * @param epoch the leadership epoch of the leader that published it
 * @param tokens item to fencing token for every item this instance owns now; a token grows with every new owner of
 * its item, so a resource that remembers the highest token it saw can refuse a late writer
 */
public record Assignment(String group, String member, long generation, long epoch, Map<String, Long> tokens) {

    public Assignment {
        tokens = Map.copyOf(tokens);
    }

    /** The items this instance owns now, in natural (numeric for partitions) order. */
    public SortedSet<String> items() {
        TreeSet<String> items = new TreeSet<>(Assignment::compareItems);
        items.addAll(this.tokens.keySet());
        return items;
    }

    /** The owned items of a partitioned group as numbers, ascending. */
    public List<Integer> partitions() {
        return items().stream().filter(item -> item.chars().allMatch(Character::isDigit)).map(Integer::valueOf)
                .sorted().toList();
    }

    /** Whether this instance owns the item now. */
    public boolean owns(String item) {
        return this.tokens.containsKey(item);
    }

    /** Item to token, in the order of {@link #items()}. */
    public Map<String, Long> sortedTokens() {
        TreeMap<String, Long> sorted = new TreeMap<>(Assignment::compareItems);
        sorted.putAll(this.tokens);
        return sorted;
    }

    static int compareItems(String a, String b) {
        boolean numeric = !a.isEmpty() && !b.isEmpty() && a.chars().allMatch(Character::isDigit)
                && b.chars().allMatch(Character::isDigit) && a.length() < 10 && b.length() < 10;
        return numeric ? Integer.compare(Integer.parseInt(a), Integer.parseInt(b)) : a.compareTo(b);
    }
}
