package dev.meshkeeper.registry.api;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The OpenAPI 3.1 description of the admin API: {@code GET /api/v1/openapi.json}. */
@RestController
class OpenApiController {

    static final String RESOURCE = "dev/meshkeeper/registry/api/openapi.json";

    private final byte[] description;

    OpenApiController() throws IOException {
        try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
            this.description = in.readAllBytes();
        }
    }

    @GetMapping(path = "/api/v1/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> openApi() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.description);
    }
}
