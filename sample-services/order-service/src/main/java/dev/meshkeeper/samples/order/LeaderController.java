package dev.meshkeeper.samples.order;

import dev.meshkeeper.leader.ClusterLeadership;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /orders/leader}: whether this instance leads the reconciliation group, who does (as every member sees
 * it in ZooKeeper), and how many reconciliation runs this instance did.
 */
@RestController
@RequestMapping("/orders")
class LeaderController {

    private final ClusterLeadership leadership;

    private final Reconciliation reconciliation;

    LeaderController(ClusterLeadership leadership, Reconciliation reconciliation) {
        this.leadership = leadership;
        this.reconciliation = reconciliation;
    }

    @GetMapping("/leader")
    Leadership leader() {
        return new Leadership(Reconciliation.GROUP, this.leadership.isLeader(Reconciliation.GROUP),
                this.leadership.currentLeader(Reconciliation.GROUP).orElse(null), this.reconciliation.runs());
    }

    /**
     * Leadership of the reconciliation group as this instance sees it.
     *
     * @param group the group
     * @param leader whether this instance leads it now
     * @param currentLeader the instance id of the leader, {@code null} while there is none
     * @param runs reconciliation runs on this instance
     */
    record Leadership(String group, boolean leader, String currentLeader, long runs) {
    }
}
