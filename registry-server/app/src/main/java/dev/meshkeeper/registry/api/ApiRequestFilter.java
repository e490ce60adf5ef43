package dev.meshkeeper.registry.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs after authentication on every {@code /api/} request: refuses bodies larger than
 * {@code meshkeeper.registry.api.max-request-size} (413, before anything is read or changed) and records every
 * mutating call (any method but GET, HEAD, OPTIONS) in the {@link AuditLog} once its status is known.
 */
final class ApiRequestFilter extends OncePerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final AuditLog audit;

    private final long maxRequestSize;

    private final JsonMapper json;

    ApiRequestFilter(AuditLog audit, long maxRequestSize, JsonMapper json) {
        this.audit = audit;
        this.maxRequestSize = maxRequestSize;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean mutating = !READS.contains(request.getMethod());
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (request.getContentLengthLong() > this.maxRequestSize) {
            ProblemDetail problem = AdminApiException.problem(HttpStatus.CONTENT_TOO_LARGE, "Payload too large",
                    "the request body has " + request.getContentLengthLong() + " bytes; this server accepts at most "
                            + this.maxRequestSize + " (meshkeeper.registry.api.max-request-size); nothing was changed",
                    "body");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", String.valueOf(problem.getType()));
            body.put("title", problem.getTitle());
            body.put("status", problem.getStatus());
            body.put("detail", problem.getDetail());
            body.put("instance", path);
            body.put("field", "body");
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setHeader("Connection", "close");
            this.json.writeValue(response.getOutputStream(), body);
            if (mutating && this.audit != null) {
                this.audit.record(who(request), request.getMethod(), path, response.getStatus(),
                        "refused: body too large");
            }
            return;
        }
        try {
            chain.doFilter(request, response);
        }
        finally {
            if (mutating && this.audit != null) {
                Object summary = request.getAttribute(AuditLog.SUMMARY);
                this.audit.record(who(request), request.getMethod(), path, response.getStatus(),
                        (summary != null) ? summary.toString() : defaultSummary(request.getMethod(), path));
            }
        }
    }

    private static String who(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return (principal != null && principal.getName() != null) ? principal.getName() : "anonymous";
    }

    private static String defaultSummary(String method, String path) {
        String what = path.startsWith("/api/v1/") ? path.substring("/api/v1/".length()) : path;
        return method.toLowerCase() + " " + what;
    }
}
