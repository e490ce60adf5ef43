package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.ServiceStore.Instance;
import dev.meshkeeper.registry.api.ServiceStore.ServiceSummary;
import dev.meshkeeper.registry.api.ServiceStore.StatusChange;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The services API: {@code /api/v1/services}. Shows what Spring Cloud Zookeeper registered and lets an operator
 * take an instance out of (or back into) service by setting its {@code instance_status}, which every Meshkeeper
 * balancer and watched discovery client honours.
 */
@Tag(name = "services")
@RestController
@RequestMapping(path = "/api/v1/services", produces = MediaType.APPLICATION_JSON_VALUE)
class ServicesController {

    private final ServiceStore store;

    ServicesController(ServiceStore store) {
        this.store = store;
    }

    @Operation(operationId = "listServices", summary = "Every registered service with its instance counts")
    @GetMapping
    ServiceList services() throws Exception {
        return new ServiceList(this.store.services());
    }

    @Operation(operationId = "getService", summary = "A service and its instances")
    @GetMapping("/{service}")
    ServiceView service(@PathVariable String service) throws Exception {
        return new ServiceView(service, this.store.service(service));
    }

    @Operation(operationId = "getInstance", summary = "One instance")
    @GetMapping("/{service}/instances/{id}")
    Instance instance(@PathVariable String service, @PathVariable String id) throws Exception {
        return this.store.instance(service, id);
    }

    @Operation(operationId = "setInstanceStatus",
            summary = "Set the instance_status of an instance (UP or OUT_OF_SERVICE)")
    @PutMapping(path = "/{service}/instances/{id}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    Instance status(@PathVariable String service, @PathVariable String id,
            @RequestBody(required = false) StatusRequest request, HttpServletRequest servletRequest)
            throws Exception {
        if (request == null || request.status() == null) {
            throw AdminApiException.badRequest("status", "the body must be {\"status\": \"OUT_OF_SERVICE\"} or "
                    + "{\"status\": \"UP\"}");
        }
        StatusChange change = this.store.setStatus(service, id, request.status());
        AuditLog.summarize(servletRequest, "status " + change.before() + " -> " + request.status());
        return change.instance();
    }

    record ServiceList(List<ServiceSummary> services) {
    }

    record ServiceView(String name, List<Instance> instances) {
    }

    record StatusRequest(String status) {
    }
}
