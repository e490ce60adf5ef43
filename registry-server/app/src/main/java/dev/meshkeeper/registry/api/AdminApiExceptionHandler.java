package dev.meshkeeper.registry.api;

import java.util.stream.Collectors;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Renders every error of the admin API (config and shared data included) as an RFC 9457 problem detail with a {@code field}
 * member where one field is at fault: the API's own errors, Spring MVC's (malformed JSON, wrong types, missing
 * parameters: 400) and ZooKeeper's (unreachable: 503, refused: 409). Nothing reaches the servlet container's
 * error page, so no call answers 500 for bad input.
 */
@RestControllerAdvice(assignableTypes = { ServicesController.class, CoordinationController.class,
        AuditController.class, ApiFallbackController.class, ConfigController.class,
        DataController.class, TopologyController.class,
        TimelineController.class })
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(AdminApiExceptionHandler.class);

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = "body";
        String reason = "the request body is missing or is not valid JSON of the expected shape";
        if (ex.getCause() instanceof JacksonException jackson) {
            String path = jackson.getPath().stream().map(reference -> (reference.getPropertyName() != null)
                    ? reference.getPropertyName() : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining("."));
            if (!path.isEmpty()) {
                field = path;
                reason = "field '" + path + "' has a value of the wrong type";
            }
            else {
                reason = "the request body is not valid JSON (" + jackson.getOriginalMessage() + ")";
            }
        }
        ProblemDetail problem = AdminApiException.problem(HttpStatus.BAD_REQUEST, "Invalid request",
                reason + "; nothing was changed; see /api/v1/openapi.json for the body this endpoint takes", field);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = AdminApiException.problem(HttpStatus.BAD_REQUEST, "Invalid request",
                "query parameter '" + ex.getParameterName() + "' (" + ex.getParameterType() + ") is required",
                ex.getParameterName());
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = (ex instanceof MethodArgumentTypeMismatchException mismatch) ? mismatch.getName()
                : ex.getPropertyName();
        String type = (ex.getRequiredType() != null) ? ex.getRequiredType().getSimpleName() : "another type";
        ProblemDetail problem = AdminApiException.problem(HttpStatus.BAD_REQUEST, "Invalid request",
                name + " '" + ex.getValue() + "' is not a valid " + type, name);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @ExceptionHandler({ KeeperException.ConnectionLossException.class, KeeperException.SessionExpiredException.class,
            KeeperException.OperationTimeoutException.class })
    ResponseEntity<ProblemDetail> zooKeeperUnavailable(KeeperException ex) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(AdminApiException.problem(
                HttpStatus.SERVICE_UNAVAILABLE, "ZooKeeper unavailable", "ZooKeeper is not reachable (" + ex.code()
                        + "); nothing was changed, retry shortly", null));
    }

    @ExceptionHandler(KeeperException.class)
    ResponseEntity<ProblemDetail> zooKeeperError(KeeperException ex) {
        logger.warn("Admin API request failed in ZooKeeper: " + ex.getMessage());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(AdminApiException.problem(HttpStatus.CONFLICT,
                "Concurrent change", "ZooKeeper refused the change (" + ex.code() + " at " + ex.getPath()
                        + "); nothing was changed, read and retry", null));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException ex) {
        return ResponseEntity.badRequest().body(AdminApiException.problem(HttpStatus.BAD_REQUEST, "Invalid request",
                ex.getMessage(), null));
    }
}
