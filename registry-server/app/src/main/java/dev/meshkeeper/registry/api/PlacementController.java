package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.PlacementStore.PlacementGroup;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of the cluster's work groups: {@code GET /api/v1/placement}. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class PlacementController {

    private final PlacementStore store;

    PlacementController(PlacementStore store) {
        this.store = store;
    }

    @GetMapping("/placement")
    PlacementGroups placement() throws Exception {
        return new PlacementGroups(this.store.groups());
    }

    record PlacementGroups(List<PlacementGroup> groups) {
    }
}
