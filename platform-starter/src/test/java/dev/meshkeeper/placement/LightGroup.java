package dev.meshkeeper.placement;

import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Light members of one work group with items {@code 0..n-1}, reporting to one ledger; closing it closes them all. */
final class LightGroup implements AutoCloseable {

    final List<String> items;

    final OwnershipLedger ledger = new OwnershipLedger();

    final List<LightMember> members = new ArrayList<>();

    private final String group;

    private final Duration sessionTimeout;

    LightGroup(String group, int items, Duration sessionTimeout) {
        this.group = group;
        this.items = IntStream.range(0, items).mapToObj(Integer::toString).toList();
        this.sessionTimeout = sessionTimeout;
    }

    /** Starts a member of weight 1 for each id, one after another. */
    void join(RegistryHandle registry, String... ids) throws Exception {
        for (String id : ids) {
            this.members.add(new LightMember(registry.connectString(), this.sessionTimeout, this.group, id, 1,
                    this.items, this.ledger));
        }
    }

    /** Each member's items with their fencing tokens, by member id. */
    Map<String, Map<String, Long>> assignments() {
        Map<String, Map<String, Long>> all = new HashMap<>();
        this.members.forEach(member -> all.put(member.id, member.member.assignment().tokens()));
        return all;
    }

    @Override
    public void close() {
        this.members.forEach(LightMember::close);
    }
}
