package dev.meshkeeper.registry.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/** 401 and 403 for the API as RFC 9457 problem details, like every other API error. */
final class ProblemResponses {

    private final JsonMapper json;

    ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    /**
     * 401. Clients that are not browsers get a Basic challenge; a browser never does (it would cache the credentials
     * and send them with every later request, cross-site forms included), only a Bearer one, which it ignores.
     */
    AuthenticationEntryPoint unauthorized() {
        return (request, response, ex) -> {
            response.setHeader("WWW-Authenticate",
                    isBrowser(request) ? "Bearer realm=\"meshkeeper\"" : "Basic realm=\"meshkeeper\", Bearer");
            write(request, response, HttpStatus.UNAUTHORIZED,
                    "Authentication required: use HTTP Basic with a registry user, or a bearer token");
        };
    }

    /**
     * Whether a browser sent the request: it accepts {@code text/html}, or carries the headers browsers add to script
     * requests ({@code Sec-Fetch-Mode}, {@code Origin}).
     */
    static boolean isBrowser(HttpServletRequest request) {
        if (request.getHeader("Sec-Fetch-Mode") != null || request.getHeader("Origin") != null) {
            return true;
        }
        String accept = request.getHeader("Accept");
        if (accept == null) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream().anyMatch(type -> type.getType().equals("text")
                    && type.getSubtype().equals("html"));
        }
        catch (InvalidMediaTypeException ex) {
            return false;
        }
    }

    AccessDeniedHandler forbidden() {
        return (request, response, ex) -> write(request, response, HttpStatus.FORBIDDEN,
                "The operator role is required to change anything; this user may only read");
    }

    void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        this.json.writeValue(response.getOutputStream(), problem);
    }
}
