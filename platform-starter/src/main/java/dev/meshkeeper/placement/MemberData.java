package dev.meshkeeper.placement;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a member publishes in its node {@code {group}/members/{member}}: {@code {"weight":2,"load":0.42}}, the load
 * only when the instance publishes one. The leader divides the items by {@link #share()}: the weight times a load
 * factor of 4 (load below 0.5), 3 (below 0.75), 2 (below 0.9) or 1 (0.9 and above), so a busy member gets fewer
 * items and the assignment changes only when a member's load crosses one of these steps, not with every wobble.
 */
record MemberData(int weight, double load) {

    private static final JsonMapper json = JsonMapper.builder().build();

    /** The load steps at which a member's factor drops by one. */
    private static final double[] STEPS = { 0.5, 0.75, 0.9 };

    /** A member without a published load. */
    static MemberData of(int weight) {
        return new MemberData(weight, Double.NaN);
    }

    /** The weight times the load factor: 4 × weight for an idle member or one that publishes no load. */
    int share() {
        return this.weight * factor(this.load);
    }

    /** 4 below a load of 0.5, then one less at each step; 4 for an unknown load (NaN). */
    static int factor(double load) {
        int factor = 4;
        for (double step : STEPS) {
            if (load >= step) {
                factor--;
            }
        }
        return factor;
    }

    byte[] toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("weight", this.weight);
        if (!Double.isNaN(this.load)) {
            fields.put("load", Double.valueOf(String.format(Locale.ROOT, "%.2f", this.load)));
        }
        return json.writeValueAsBytes(fields);
    }

    /**
     * A member node's data; a weight that is absent, unreadable or below 1 counts as 1, and a load that is absent,
     * unreadable or outside [0, 1] counts as unknown (hostile input never takes a member's share to 0 or above 4×).
     */
    static MemberData fromJson(byte[] data) {
        if (data == null || data.length == 0) {
            return of(1);
        }
        try {
            JsonNode node = json.readTree(data);
            int weight = node.path("weight").asInt(1);
            double load = node.path("load").isNumber() ? node.path("load").asDouble() : Double.NaN;
            return new MemberData((weight > 0) ? weight : 1, (load >= 0 && load <= 1) ? load : Double.NaN);
        }
        catch (RuntimeException ex) {
            return of(1);
        }
    }
}
