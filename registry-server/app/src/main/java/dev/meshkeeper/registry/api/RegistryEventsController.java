package dev.meshkeeper.registry.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/events}: a {@code text/event-stream} of change notices (viewer role). Events are named
 * {@code open}, {@code services}, {@code config}, {@code locks}, {@code leaders} and {@code audit}; after one,
 * read the matching API again. At most {@code meshkeeper.registry.events.max-streams-per-user} streams per user;
 * a stream opened with the console's login session ends when the session does (logout).
 */
@Tag(name = "events")
@RestController
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.events.enabled", matchIfMissing = true)
@RequestMapping("/api/v1/events")
class RegistryEventsController {

    private final RegistryEvents events;

    RegistryEventsController(RegistryEvents events) {
        this.events = events;
    }

    @Operation(operationId = "streamEvents",
            summary = "Server-sent events naming what changed (services, config, locks, leaders, audit, data, "
            + "topology)")
    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<?> events(Principal principal, HttpServletRequest request) {
        try {
            String user = (principal != null && principal.getName() != null) ? principal.getName() : "anonymous";
            return ResponseEntity.ok(this.events.subscribe(user, request.getSession(false)));
        }
        catch (AdminApiException ex) {
            // an event-stream client accepts nothing else: name the content type, so the problem is still written
            return ResponseEntity.status(ex.getStatusCode()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(ex.getBody());
        }
    }
}
