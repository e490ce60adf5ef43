package dev.meshkeeper.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The assignment a group's leader publishes at {@code {root}/{group}/assignment} as JSON:
 * {@code {"generation":7,"epoch":4294967312,"owners":{"0":"order-1","1":"order-2"},"moves":[...]}}. The generation
 * grows with every change of owners; the epoch is the leadership epoch of the leader that wrote it; {@code moves}
 * holds the last {@value #RECENT_MOVES} item moves, newest first, carried over from leader to leader.
 */
record PublishedAssignment(long generation, long epoch, Map<String, String> owners, List<Move> moves) {

    /** How many item moves the assignment keeps. */
    static final int RECENT_MOVES = 50;

    private static final JsonMapper json = JsonMapper.builder().build();

    static final PublishedAssignment NONE = new PublishedAssignment(0, 0, Map.of(), List.of());

    PublishedAssignment {
        owners = Map.copyOf(owners);
        moves = (moves != null) ? List.copyOf(moves) : List.of();
    }

    PublishedAssignment(long generation, long epoch, Map<String, String> owners) {
        this(generation, epoch, owners, List.of());
    }

    byte[] toJson() {
        return json.writeValueAsBytes(new Wire(this.generation, this.epoch, new TreeMap<>(this.owners), this.moves));
    }

    /**
     * The moves from this assignment's owners to {@code next}'s, newest first, followed by the moves kept so far, at
     * most {@value #RECENT_MOVES}. An item that had no owner before, or has none now, did not move.
     */
    List<Move> movesTo(Map<String, String> next, long generation, String at) {
        List<Move> recent = new ArrayList<>();
        next.forEach((item, to) -> {
            String from = this.owners.get(item);
            if (from != null && to != null && !from.equals(to) && recent.size() < RECENT_MOVES) {
                recent.add(new Move(item, from, to, generation, at));
            }
        });
        for (Move move : this.moves) {
            if (recent.size() >= RECENT_MOVES) {
                break;
            }
            recent.add(move);
        }
        return recent;
    }

    /** @throws IllegalArgumentException when the bytes are not an assignment */
    static PublishedAssignment fromJson(String path, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return NONE;
        }
        try {
            Wire wire = json.readValue(bytes, Wire.class);
            return new PublishedAssignment(wire.generation(), wire.epoch(),
                    (wire.owners() != null) ? wire.owners() : Map.of(), wire.moves());
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException("znode " + path + " does not hold a work assignment ("
                    + ex.getOriginalMessage() + "); delete it and the group's leader publishes a new one", ex);
        }
    }

    /** One item that moved from one live or departed member to another, and when ({@code at}, ISO-8601). */
    record Move(String item, String from, String to, long generation, String at) {
    }

    /** The JSON shape, kept apart so that the public field order is stable. */
    record Wire(long generation, long epoch, Map<String, String> owners, List<Move> moves) {
    }
}
