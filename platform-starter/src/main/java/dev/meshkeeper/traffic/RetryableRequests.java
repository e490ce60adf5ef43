package dev.meshkeeper.traffic;

/**
 * Marks a load-balanced request as safe to send again to another instance although its method is not one of
 * {@code meshkeeper.traffic.retry.methods} (GET, HEAD, OPTIONS by default), e.g. a PUT or a POST carrying an
 * idempotency key:
 * <pre>
 * restClient.post().uri("http://payments/charges")
 *     .attribute(RetryableRequests.ATTRIBUTE, true)
 *     .body(charge).retrieve().toBodilessEntity();
 * </pre>
 * The attribute never leaves the process (it is not a header).
 */
public final class RetryableRequests {

    /** Request attribute that, set to {@code true}, makes a request retryable on another instance. */
    public static final String ATTRIBUTE = "meshkeeper.traffic.retryable";

    private RetryableRequests() {
    }
}
