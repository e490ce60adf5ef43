package dev.meshkeeper.samples.order;

import dev.meshkeeper.placement.Assignment;
import dev.meshkeeper.placement.WorkPlacement;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /orders/partitions}: the partitions of the order-processing group this instance owns now. */
@RestController
@RequestMapping("/orders")
class PartitionsController {

    private final WorkPlacement placement;

    PartitionsController(WorkPlacement placement) {
        this.placement = placement;
    }

    @GetMapping("/partitions")
    Partitions partitions() {
        Assignment assignment = this.placement.assignment(PartitionProcessing.GROUP);
        return new Partitions(assignment.group(), assignment.member(), assignment.generation(),
                assignment.partitions(), assignment.sortedTokens());
    }

    /**
     * This instance's share of a partitioned work group.
     *
     * @param group the work group
     * @param member this instance's id
     * @param generation the generation of the assignment this instance has seen
     * @param partitions the partitions it owns now, ascending
     * @param fencingTokens partition to its fencing token
     */
    record Partitions(String group, String member, long generation, List<Integer> partitions,
            Map<String, Long> fencingTokens) {
    }
}
