package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.AuditLog.Entry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log: {@code GET /api/v1/audit?limit=100}, newest entry first. */
@Tag(name = "audit")
@RestController
@RequestMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
class AuditController {

    private final AuditLog audit;

    private final AuditProperties properties;

    AuditController(AuditLog audit, AuditProperties properties) {
        this.audit = audit;
        this.properties = properties;
    }

    @Operation(operationId = "listAuditEntries", summary = "Audit log of mutating calls, newest first")
    @GetMapping
    AuditEntries entries(@RequestParam(defaultValue = "100") int limit) throws Exception {
        if (limit < 1 || limit > this.properties.getLimit()) {
            throw AdminApiException.badRequest("limit", "limit " + limit + " is out of range; use 1.."
                    + this.properties.getLimit() + " (meshkeeper.registry.audit.limit entries are kept)");
        }
        return new AuditEntries(this.audit.entries(limit));
    }

    record AuditEntries(List<Entry> entries) {
    }
}
