package dev.meshkeeper.registry.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A config API error, rendered as an RFC 9457 problem detail. The detail names the context, key or value and says
 * what to do; {@code field} (when set) names the offending request field.
 */
class ConfigApiException extends ErrorResponseException {

    ConfigApiException(HttpStatus status, String title, String detail, String field) {
        super(status, problem(status, title, detail, field), null);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("https://meshkeeper.dev/problems/config/"
                + title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "")));
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    static ConfigApiException badRequest(String field, String detail) {
        return new ConfigApiException(HttpStatus.BAD_REQUEST, "Invalid config request", detail, field);
    }

    static ConfigApiException notFound(String detail) {
        return new ConfigApiException(HttpStatus.NOT_FOUND, "Not found", detail, null);
    }

    static ConfigApiException conflict(String detail) {
        return new ConfigApiException(HttpStatus.CONFLICT, "Concurrent change", detail, null);
    }
}
