package dev.meshkeeper.registry.api;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.zookeeper.KeeperException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error of the config API as an RFC 9457 problem detail: the API's own errors, Spring MVC's (bad
 * JSON, wrong parameter types, missing parameters: 400) and ZooKeeper's (unreachable: 503).
 */
@RestControllerAdvice(assignableTypes = ConfigController.class)
class ConfigApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Log logger = LogFactory.getLog(ConfigApiExceptionHandler.class);

    @ExceptionHandler({ KeeperException.ConnectionLossException.class, KeeperException.SessionExpiredException.class,
            KeeperException.OperationTimeoutException.class })
    ResponseEntity<ProblemDetail> zooKeeperUnavailable(KeeperException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "ZooKeeper is not reachable (" + ex.code() + "); nothing was changed, retry shortly");
        problem.setTitle("ZooKeeper unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(problem);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
        problem.setTitle("Invalid config request");
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler(KeeperException.class)
    ResponseEntity<ProblemDetail> zooKeeperError(KeeperException ex) {
        logger.warn("Config API request failed in ZooKeeper: " + ex.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "ZooKeeper refused the "
                + "change (" + ex.code() + " at " + ex.getPath() + "); nothing was changed, read and retry");
        problem.setTitle("Concurrent change");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }
}
