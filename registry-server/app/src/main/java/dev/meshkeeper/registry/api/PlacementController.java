package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.PlacementStore.PlacementGroup;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of the cluster's work groups: {@code GET /api/v1/placement}. */
@Tag(name = "placement")
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class PlacementController {

    private final PlacementStore store;

    PlacementController(PlacementStore store) {
        this.store = store;
    }

    @Operation(operationId = "listWorkGroups",
            summary = "Every work group with its leader, members, assignment and the items running now")
    @GetMapping("/placement")
    PlacementGroups placement() throws Exception {
        return new PlacementGroups(this.store.groups());
    }

    record PlacementGroups(List<PlacementGroup> groups) {
    }
}
