package dev.meshkeeper.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;

/**
 * Spring Cloud Zookeeper's {@link ZookeeperServiceRegistry} whose calls wait at most
 * {@code meshkeeper.zookeeper.operation-timeout}. Upstream, registering while ZooKeeper is away blocks the web
 * server's start for Curator's whole retry budget and then fails the start-up; here the application starts and
 * serves, and Curator's {@code ServiceDiscovery}, which keeps the instance from the moment it is asked to register,
 * writes the registration as soon as the connection is up (it re-registers its instances on every CONNECTED and
 * RECONNECTED). Deregistration and status writes are bounded the same way; the ephemeral node goes with the session
 * when they cannot be written. A failure that is not about the connection (a write the ACLs forbid) is thrown as
 * upstream.
 */
class OperationBoundedServiceRegistry extends ZookeeperServiceRegistry {

    private static final Logger logger = LoggerFactory.getLogger(OperationBoundedServiceRegistry.class);

    /**
     * How many calls may run at once: each waits for ZooKeeper in Curator's retry loop, and one stuck while
     * ZooKeeper is away must not hold back a later call (a status change, the deregistration on shutdown).
     */
    private static final int MAX_CALLS = 4;

    private final Duration timeout;

    /** Runs the calls, on daemon threads that end after 30 s without work (none are kept while idle). */
    private final ThreadPoolExecutor calls = newCalls();

    OperationBoundedServiceRegistry(ServiceDiscovery<ZookeeperInstance> serviceDiscovery, Duration timeout) {
        super(serviceDiscovery);
        this.timeout = timeout;
    }

    @Override
    public void register(ZookeeperRegistration registration) {
        bounded(registration, "register", "Curator registers it as soon as the connection is up",
                () -> super.register(registration));
    }

    @Override
    public void deregister(ZookeeperRegistration registration) {
        bounded(registration, "deregister", "its node goes with the ZooKeeper session when the application closes",
                () -> super.deregister(registration));
    }

    @Override
    public void setStatus(ZookeeperRegistration registration, String status) {
        bounded(registration, "set the status " + status + " of", "the status is kept in memory and written when "
                + "Curator re-registers the instance", () -> super.setStatus(registration, status));
    }

    private static boolean isConnectionProblem(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof KeeperException keeper) {
                KeeperException.Code code = keeper.code();
                return code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.SESSIONEXPIRED
                        || code == KeeperException.Code.SESSIONMOVED || code == KeeperException.Code.OPERATIONTIMEOUT;
            }
        }
        return false;
    }

    @Override
    public void close() {
        this.calls.shutdown();
        super.close();
    }

    private static ThreadPoolExecutor newCalls() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor calls = new ThreadPoolExecutor(MAX_CALLS, MAX_CALLS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), (runnable) -> {
                    Thread thread = new Thread(runnable, "meshkeeper-registry-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        calls.allowCoreThreadTimeOut(true);
        return calls;
    }

    private void bounded(ZookeeperRegistration registration, String what, String consequence, Runnable call) {
        String instance = registration.getServiceId() + " instance " + registration.getServiceInstance().getId();
        CompletableFuture<Void> done;
        try {
            done = CompletableFuture.runAsync(call, this.calls);
        }
        catch (RejectedExecutionException ex) {
            logger.warn("Could not " + what + " " + instance + ": the service registry is closed");
            return;
        }
        try {
            done.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            logger.warn("Could not " + what + " " + instance + ": ZooKeeper did not answer within "
                    + "meshkeeper.zookeeper.operation-timeout (" + this.timeout + "); " + consequence);
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (!isConnectionProblem(cause)) {
                // Anything else (e.g. a write the ACLs forbid) fails as it does upstream.
                if (cause instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) cause;
            }
            logger.warn("Could not " + what + " " + instance + " (" + ex.getCause().getMessage() + "); "
                    + consequence);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
