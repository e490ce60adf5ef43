package dev.meshkeeper.registry.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Answers every {@code /api/} request that no endpoint takes with a problem detail: 405 (with {@code Allow}) when
 * the path exists for other methods, 415 when it exists but not for the request's content type, else 404. Not an
 * operation of its own, so the OpenAPI description leaves it out.
 */
@Hidden
@RestController
class ApiFallbackController {

    private final ApplicationContext context;

    ApiFallbackController(ApplicationContext context) {
        this.context = context;
    }

    @RequestMapping(path = { "/api", "/api/**" }, produces = { MediaType.APPLICATION_PROBLEM_JSON_VALUE,
            MediaType.APPLICATION_JSON_VALUE, MediaType.ALL_VALUE })
    ResponseEntity<Object> noEndpoint(HttpServletRequest request) {
        if (!ServletRequestPathUtils.hasParsedRequestPath(request)) {
            ServletRequestPathUtils.parseAndCache(request);
        }
        String path = ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication().value();
        Set<String> allowed = new LinkedHashSet<>();
        boolean methodMatches = false;
        RequestMappingHandlerMapping mappings = this.context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            if (mapping.getValue().getBeanType() == ApiFallbackController.class
                    || mapping.getKey().getPathPatternsCondition() == null
                    || mapping.getKey().getPathPatternsCondition().getMatchingCondition(request) == null) {
                continue;
            }
            Set<String> methods = mapping.getKey().getMethodsCondition().getMethods().stream().map(Enum::name)
                    .collect(Collectors.toSet());
            allowed.addAll(methods);
            methodMatches |= methods.isEmpty() || methods.contains(request.getMethod());
        }
        if (methodMatches) {
            throw new AdminApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    request.getMethod() + " " + path + " does not accept Content-Type '" + request.getContentType()
                            + "' or cannot answer the requested Accept; see /api/v1/openapi.json",
                    "Content-Type");
        }
        if (!allowed.isEmpty()) {
            AdminApiException ex = new AdminApiException(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                    request.getMethod() + " is not allowed on " + path + "; use " + String.join(", ", allowed),
                    "method");
            ex.getHeaders().add("Allow", String.join(", ", allowed));
            throw ex;
        }
        throw AdminApiException.notFound("path", "there is no API endpoint " + path + "; see /api/v1/openapi.json "
                + "for every endpoint");
    }
}
