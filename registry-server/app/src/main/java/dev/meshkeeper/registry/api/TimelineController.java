package dev.meshkeeper.registry.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/timeline?limit=100}: what happened in the mesh, most recent first (registrations,
 * deregistrations, status, config keys, leadership, placement generations), kept in memory by this registry server
 * (the last {@value EventTimeline#MAX_ENTRIES} entries, lost on its restart).
 */
@Tag(name = "timeline")
@RestController
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.timeline.enabled", matchIfMissing = true)
class TimelineController {

    private final EventTimeline timeline;

    TimelineController(EventTimeline timeline) {
        this.timeline = timeline;
    }

    @Operation(operationId = "getTimeline", summary = "What happened in the mesh, most recent first")
    @GetMapping(path = "/api/v1/timeline", produces = MediaType.APPLICATION_JSON_VALUE)
    Timeline timeline(@RequestParam(name = "limit", required = false) String limit) {
        return new Timeline(this.timeline.entries(limit(limit)));
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return 100;
        }
        int limit;
        try {
            limit = Integer.parseInt(text.trim());
        }
        catch (NumberFormatException ex) {
            limit = -1;
        }
        if (limit < 1 || limit > EventTimeline.MAX_ENTRIES) {
            throw AdminApiException.badRequest("limit", "limit '" + text + "' is out of range; the registry keeps "
                    + "the last " + EventTimeline.MAX_ENTRIES + " timeline entries: use 1 to "
                    + EventTimeline.MAX_ENTRIES + " (default 100)");
        }
        return limit;
    }

    /** The timeline, most recent entry first. */
    record Timeline(List<EventTimeline.Entry> entries) {
    }
}
