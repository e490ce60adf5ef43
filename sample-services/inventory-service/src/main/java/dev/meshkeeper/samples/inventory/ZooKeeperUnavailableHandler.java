package dev.meshkeeper.samples.inventory;

import dev.meshkeeper.lock.LockNotAcquiredException;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A reservation is a fenced write (CP): while ZooKeeper is away it is refused at once with {@code 503},
 * {@code Retry-After: 1} and a problem detail titled "ZooKeeper unavailable" — never queued, never half-applied, and
 * it works again when the connection returns. A lock that was simply busy for its whole wait is a {@code 409}.
 */
@RestControllerAdvice
class ZooKeeperUnavailableHandler {

    private final ZooKeeperConnectionMonitor connection;

    ZooKeeperUnavailableHandler(ZooKeeperConnectionMonitor connection) {
        this.connection = connection;
    }

    @ExceptionHandler(ZooKeeperUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ZooKeeperUnavailableException ex) {
        return refused("Could not " + ex.operation() + " '" + ex.path() + "': ZooKeeper is unreachable",
                ex.outage());
    }

    @ExceptionHandler(LockNotAcquiredException.class)
    ResponseEntity<ProblemDetail> lockNotAcquired(LockNotAcquiredException ex) {
        if (!this.connection.isConnected()) {
            Instant since = this.connection.outageSince();
            return refused("The lock '" + ex.getLockName() + "' cannot be granted while ZooKeeper is unreachable",
                    (since != null) ? Duration.between(since, Instant.now()) : Duration.ZERO);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "The lock '"
                + ex.getLockName() + "' stayed busy for " + ex.getWait() + "; retry the reservation");
        problem.setTitle("Stock busy");
        return ResponseEntity.status(HttpStatus.CONFLICT).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }

    private static ResponseEntity<ProblemDetail> refused(String detail, Duration outage) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                detail + "; reservations resume when it returns (stock queries keep answering meanwhile)");
        problem.setTitle("ZooKeeper unavailable");
        problem.setProperty("outageMillis", outage.toMillis());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }
}
