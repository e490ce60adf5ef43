package dev.meshkeeper.samples.order;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Asks {@code inventory-service} for stock through the load-balanced {@link RestClient}. Every way the call can
 * fail becomes an {@link InventoryCallException} that Spring MVC renders as an RFC 9457 problem detail: no
 * registered instance (503), an instance that does not answer (503), inventory over its cluster-wide rate limit
 * (429 with inventory's {@code Retry-After} passed on), a refusal by inventory (its 4xx status and reason passed on),
 * an inventory failure or an unreadable answer (502).
 * <p>
 * A 429 is inventory's answer, not a failure of the instance: it is not retried on another instance (only I/O
 * errors and 503 are), it does not count towards outlier ejection or the circuit breaker, and it is passed on so
 * that the caller backs off for the time inventory asked for.
 */
class InventoryClient {

    static final String SERVICE_ID = "inventory-service";

    static final String BASE_URL = "http://" + SERVICE_ID;

    // Spring Cloud LoadBalancer's BlockingLoadBalancerClient says this when the instance list is empty.
    private static final String NO_INSTANCES = "No instances available for";

    private static final String NO_INSTANCE_TO_RETRY = "Service Instance cannot be null";

    private final RestClient restClient;

    InventoryClient(RestClient restClient) {
        this.restClient = restClient;
    }

    StockLevel stockOf(String sku) {
        try {
            StockLevel stock = this.restClient.get().uri("/inventory/{sku}", sku).retrieve().body(StockLevel.class);
            if (stock == null) {
                throw new InventoryCallException(HttpStatus.BAD_GATEWAY, "Inventory answer unreadable",
                        SERVICE_ID + " answered SKU '" + sku + "' with an empty body", null);
            }
            return stock;
        }
        catch (RestClientResponseException ex) {
            throw refused(sku, ex);
        }
        catch (ResourceAccessException ex) {
            throw new InventoryCallException(HttpStatus.SERVICE_UNAVAILABLE, "Inventory unreachable",
                    "No answer from an instance of " + SERVICE_ID + " for SKU '" + sku + "': "
                            + whyNoAnswer(ex) + "; the instance may have just stopped, try again",
                    ex);
        }
        catch (RestClientException ex) {
            throw new InventoryCallException(HttpStatus.BAD_GATEWAY, "Inventory answer unreadable",
                    SERVICE_ID + " answered SKU '" + sku + "' with something that is not a stock level: "
                            + ex.getMessage(),
                    ex);
        }
        catch (IllegalStateException | IllegalArgumentException ex) {
            // Spring Cloud LoadBalancer says "no instance" in two ways: without retries an IllegalStateException,
            // with its retrying interceptor an IllegalArgumentException.
            if (ex.getMessage() == null || !(ex.getMessage().startsWith(NO_INSTANCES)
                    || ex.getMessage().startsWith(NO_INSTANCE_TO_RETRY))) {
                throw ex;
            }
            throw new InventoryCallException(HttpStatus.SERVICE_UNAVAILABLE, "Inventory not available",
                    "No instance of " + SERVICE_ID + " is registered and up; start one (it registers under "
                            + "/services/" + SERVICE_ID + " in ZooKeeper)",
                    ex);
        }
    }

    private static InventoryCallException refused(String sku, RestClientResponseException ex) {
        HttpStatusCode status = ex.getStatusCode();
        String reason = reason(ex);
        if (status.isSameCodeAs(HttpStatus.TOO_MANY_REQUESTS)) {
            String retryAfter = (ex.getResponseHeaders() != null)
                    ? ex.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER) : null;
            InventoryCallException busy = new InventoryCallException(HttpStatus.TOO_MANY_REQUESTS,
                    "Inventory over its rate limit", SERVICE_ID + " refused SKU '" + sku
                            + "' with 429, over its rate limit" + ((reason.isEmpty() && retryAfter != null)
                                    ? ": retry after " + retryAfter + " s" : reason),
                    ex);
            if (retryAfter != null) {
                busy.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
            }
            return busy;
        }
        if (status.is4xxClientError()) {
            return new InventoryCallException(status, "Inventory refused the request",
                    SERVICE_ID + " refused SKU '" + sku + "' with " + status.value() + reason, ex);
        }
        return new InventoryCallException(HttpStatus.BAD_GATEWAY, "Inventory failed",
                SERVICE_ID + " failed on SKU '" + sku + "' with " + status.value() + reason, ex);
    }

    /** The detail of inventory's own problem answer, when it sent one. */
    private static String reason(RestClientResponseException ex) {
        try {
            ProblemDetail problem = ex.getResponseBodyAs(ProblemDetail.class);
            if (problem != null && problem.getDetail() != null) {
                return ": " + problem.getDetail();
            }
        }
        catch (RuntimeException unreadable) {
            // Not a problem detail: the status alone has to do.
        }
        return "";
    }

    /** Why an instance did not answer, in words: connection refused, timed out, or the I/O error's own message. */
    private static String whyNoAnswer(ResourceAccessException ex) {
        String message = null;
        for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return "no answer within the timeout (connect " + InventoryClientConfiguration.CONNECT_TIMEOUT
                        .toSeconds() + " s, read " + InventoryClientConfiguration.READ_TIMEOUT.toSeconds() + " s)";
            }
            if (message == null && cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return (message != null) ? message : "I/O error";
    }

    /** A failed call to inventory, carrying the problem detail the caller receives. */
    static class InventoryCallException extends ErrorResponseException {

        InventoryCallException(HttpStatusCode status, String title, String detail, Throwable cause) {
            super(status, problem(status, title, detail), cause);
        }

        private static ProblemDetail problem(HttpStatusCode status, String title, String detail) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
            problem.setTitle(title);
            problem.setType(URI.create("https://meshkeeper.dev/problems/inventory-call"));
            problem.setProperty("service", SERVICE_ID);
            return problem;
        }
    }
}
