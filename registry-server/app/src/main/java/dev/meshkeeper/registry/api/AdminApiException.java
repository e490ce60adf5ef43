package dev.meshkeeper.registry.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An error of the services, locks, leaders, cluster or audit API, rendered as an RFC 9457 problem detail; the
 * detail names the service, instance or value and says what to do, {@code field} names the offending field.
 */
class AdminApiException extends ErrorResponseException {

    AdminApiException(HttpStatus status, String title, String detail, String field) {
        super(status, problem(status, title, detail, field), null);
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("https://meshkeeper.dev/problems/"
                + title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "")));
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    static AdminApiException badRequest(String field, String detail) {
        return new AdminApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail, field);
    }

    static AdminApiException notFound(String field, String detail) {
        return new AdminApiException(HttpStatus.NOT_FOUND, "Not found", detail, field);
    }

    static AdminApiException conflict(String detail) {
        return new AdminApiException(HttpStatus.CONFLICT, "Concurrent change", detail, null);
    }
}
