package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.PlacementStore.PlacementGroup;
import java.util.List;
import java.util.Map;
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
    Map<String, List<PlacementGroup>> placement() throws Exception {
        return Map.of("groups", this.store.groups());
    }
}
