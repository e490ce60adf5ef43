package dev.meshkeeper.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sticky, weight-balanced assignment a group's leader computes. Each live member's quota is its weighted share
 * of the items (largest remainder: quotas of equal members differ by at most one); a member keeps the items it has up
 * to its quota, and only the surplus of members above their quota and the items of departed members move.
 * <p>
 * The extra item of a remainder goes first to the members with the larger fractional share and, among equal
 * shares, to those that hold more items now, so that no item moves only to shift a remainder around: for equal
 * weights the number of moved items is the theoretical minimum.
 */
final class PlacementBalancer {

    private PlacementBalancer() {
    }

    /**
     * @param current item to owner as published now (owners may have left)
     * @param items every item of the group, in a stable order
     * @param weights live member to its weight (1 or more); no member means no owner for any item
     * @return item to owner for every item, or an empty map when there is no member
     */
    static Map<String, String> balance(Map<String, String> current, List<String> items,
            Map<String, Integer> weights) {
        if (weights.isEmpty()) {
            return Map.of();
        }
        Map<String, Integer> held = new HashMap<>();
        for (String item : items) {
            String owner = current.get(item);
            if (owner != null && weights.containsKey(owner)) {
                held.merge(owner, 1, Integer::sum);
            }
        }
        Map<String, Integer> quota = quotas(items.size(), weights, held);
        Map<String, Integer> kept = new HashMap<>();
        Map<String, String> next = new LinkedHashMap<>();
        List<String> moving = new ArrayList<>();
        for (String item : items) {
            String owner = current.get(item);
            if (owner != null && quota.containsKey(owner) && kept.getOrDefault(owner, 0) < quota.get(owner)) {
                kept.merge(owner, 1, Integer::sum);
                next.put(item, owner);
            }
            else {
                moving.add(item);
            }
        }
        // Fill the members furthest below their quota first; ties by name keep the result deterministic.
        List<String> members = new ArrayList<>(new TreeMap<>(quota).keySet());
        int index = 0;
        for (String item : moving) {
            while (kept.getOrDefault(members.get(index), 0) >= quota.get(members.get(index))) {
                index++;
            }
            String owner = members.get(index);
            kept.merge(owner, 1, Integer::sum);
            next.put(item, owner);
        }
        return next;
    }

    private static Map<String, Integer> quotas(int count, Map<String, Integer> weights, Map<String, Integer> held) {
        long total = weights.values().stream().mapToLong(Integer::longValue).sum();
        Map<String, Integer> quota = new HashMap<>();
        Map<String, Long> remainder = new HashMap<>();
        int assigned = 0;
        for (Map.Entry<String, Integer> member : weights.entrySet()) {
            long share = (long) count * member.getValue();
            quota.put(member.getKey(), (int) (share / total));
            remainder.put(member.getKey(), share % total);
            assigned += (int) (share / total);
        }
        List<String> order = new ArrayList<>(weights.keySet());
        order.sort(Comparator.<String>comparingLong(remainder::get).reversed()
                .thenComparing(Comparator.<String>comparingInt(m -> held.getOrDefault(m, 0)).reversed())
                .thenComparing(Comparator.naturalOrder()));
        for (int i = 0; i < count - assigned; i++) {
            quota.merge(order.get(i), 1, Integer::sum);
        }
        return quota;
    }
}
