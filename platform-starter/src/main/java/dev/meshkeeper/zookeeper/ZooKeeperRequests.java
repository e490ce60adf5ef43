package dev.meshkeeper.zookeeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;

/**
 * Runs a ZooKeeper request on behalf of an application thread and bounds how long that thread waits: while the
 * connection is SUSPENDED or LOST the request is not sent and {@link ZooKeeperUnavailableException} is thrown at
 * once; otherwise the request runs in Curator's background and the caller waits at most
 * {@code meshkeeper.zookeeper.operation-timeout} for its answer. Nothing here retries: the caller decides.
 * <p>
 * Shares the application's single {@link CuratorFramework}.
 */
public final class ZooKeeperRequests {

    private final CuratorFramework curator;

    private final ZooKeeperConnectionMonitor monitor;

    private final Duration timeout;

    private final Clock clock;

    public ZooKeeperRequests(CuratorFramework curator, ZooKeeperConnectionMonitor monitor, Duration timeout,
            Clock clock) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("meshkeeper.zookeeper.operation-timeout must be positive, was "
                    + timeout + "; write e.g. 1s");
        }
        this.curator = curator;
        this.monitor = monitor;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The connection monitor these requests follow: the one source of connection state. */
    public ZooKeeperConnectionMonitor monitor() {
        return this.monitor;
    }

    /** The longest an application thread waits for one request ({@code meshkeeper.zookeeper.operation-timeout}). */
    public Duration timeout() {
        return this.timeout;
    }

    /** The application's connection, for requests that build on it. */
    public CuratorFramework curator() {
        return this.curator;
    }

    /**
     * Throws {@link ZooKeeperUnavailableException} for {@code operation} on {@code path} unless the connection is
     * up now.
     */
    public void requireConnected(String operation, String path) {
        if (!this.monitor.isConnected()) {
            throw unavailable(operation, path, "connection " + describe(this.monitor.currentState()), null);
        }
    }

    /**
     * Sends one request in the background and waits for its answer, at most the operation timeout.
     * @param operation what the request does, for the error message ({@code create}, {@code set}, ...)
     * @param path the znode it is for
     * @param request starts the request with the given callback, e.g.
     * {@code (client, callback) -> client.setData().withVersion(v).inBackground(callback).forPath(path, bytes)}
     * @return Curator's event for a request that succeeded
     * @throws KeeperException the server's answer when it was not OK (e.g. {@code BadVersion}, {@code NodeExists})
     * @throws ZooKeeperUnavailableException while disconnected, on connection loss, or when no answer came in time
     */
    public CuratorEvent call(String operation, String path, BackgroundRequest request) throws KeeperException {
        requireConnected(operation, path);
        CompletableFuture<CuratorEvent> answer = new CompletableFuture<>();
        try {
            request.start(this.curator, (client, event) -> answer.complete(event));
        }
        catch (KeeperException ex) {
            throw ex;
        }
        catch (Exception ex) {
            throw new IllegalStateException("Could not send the ZooKeeper request to " + operation + " '" + path
                    + "': " + ex.getMessage(), ex);
        }
        CuratorEvent event;
        try {
            event = answer.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            throw unavailable(operation, path, "no answer within meshkeeper.zookeeper.operation-timeout="
                    + this.timeout + ", the outcome is unknown", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw unavailable(operation, path, "interrupted while waiting for the answer", ex);
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
        KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
        if (code == KeeperException.Code.OK) {
            return event;
        }
        if (code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.SESSIONEXPIRED
                || code == KeeperException.Code.SESSIONMOVED || code == KeeperException.Code.OPERATIONTIMEOUT) {
            throw unavailable(operation, path, code.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + " (the outcome is unknown)", KeeperException.create(code, path));
        }
        throw KeeperException.create(code, path);
    }

    private ZooKeeperUnavailableException unavailable(String operation, String path, String reason,
            Throwable cause) {
        Instant since = this.monitor.outageSince();
        Duration outage = (since != null) ? Duration.between(since, this.clock.instant()) : Duration.ZERO;
        return new ZooKeeperUnavailableException(operation, path, outage.isNegative() ? Duration.ZERO : outage,
                reason, cause);
    }

    private static String describe(Object state) {
        return (state != null) ? state.toString() : "not yet established";
    }

    /** Starts one Curator request in the background with the callback it is given. */
    @FunctionalInterface
    public interface BackgroundRequest {

        void start(CuratorFramework client, BackgroundCallback callback) throws Exception;
    }
}
