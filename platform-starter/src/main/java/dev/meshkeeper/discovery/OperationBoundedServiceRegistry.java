package dev.meshkeeper.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private final Duration timeout;

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

    private void bounded(ZookeeperRegistration registration, String what, String consequence, Runnable call) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                call.run();
                done.complete(null);
            }
            catch (RuntimeException ex) {
                done.completeExceptionally(ex);
            }
        }, "meshkeeper-registry-" + what.replace(' ', '-'));
        thread.setDaemon(true);
        thread.start();
        String instance = registration.getServiceId() + " instance " + registration.getServiceInstance().getId();
        try {
            done.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            logger.warn("Could not " + what + " " + instance + ": ZooKeeper did not answer within "
                    + "meshkeeper.zookeeper.operation-timeout (" + this.timeout + "); " + consequence);
        }
        catch (ExecutionException ex) {
            if (!isConnectionProblem(ex.getCause())) {
                // Anything else (e.g. a write the ACLs forbid) fails as it does upstream.
                throw (RuntimeException) ex.getCause();
            }
            logger.warn("Could not " + what + " " + instance + " (" + ex.getCause().getMessage() + "); "
                    + consequence);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
