package dev.meshkeeper.registry.junit;

import dev.meshkeeper.registry.server.RegistryServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/**
 * Controls an embedded registry server from a test: where it is, and the failures later tests need — stop,
 * restart, a cut connection, an expired session.
 */
public final class RegistryHandle {

    private static final Duration EXPIRY_TIMEOUT = Duration.ofSeconds(15);

    private final RegistryServer server;

    private final boolean shared;

    RegistryHandle(RegistryServer server, boolean shared) {
        this.server = server;
        this.shared = shared;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String connectString() {
        return this.server.connectString();
    }

    public int port() {
        return this.server.clientPort();
    }

    public RegistryServer server() {
        return this.server;
    }

    public boolean isRunning() {
        return this.server.isRunning();
    }

    /** Stops the server; clients see their connection drop. Only on a dedicated registry. */
    public void stop() {
        requireDedicated("stop");
        this.server.stop();
    }

    /** Starts a stopped server again, on the same port with the same data. Only on a dedicated registry. */
    public void start() {
        requireDedicated("start");
        if (!this.server.isRunning()) {
            this.server.start();
        }
    }

    /** Stops and starts the server, on the same port with the same data. Only on a dedicated registry. */
    public void restart() {
        requireDedicated("restart");
        this.server.restart();
    }

    /**
     * Closes the server side of a client's connection. The client sees it drop (Curator reports SUSPENDED) and
     * reconnects to the same session.
     * @throws IllegalStateException when the server holds no connection of that session
     */
    public void cutConnection(long sessionId) {
        if (!this.server.terminateConnection(sessionId)) {
            throw new IllegalStateException("registry on port " + port() + " holds no connection of session 0x"
                    + Long.toHexString(sessionId));
        }
    }

    /** {@link #cutConnection(long)} for a ZooKeeper client (with Curator: {@code getZookeeperClient().getZooKeeper()}). */
    public void cutConnection(ZooKeeper client) {
        cutConnection(client.getSessionId());
    }

    /**
     * Expires a client's session the way ZooKeeper's own tests do: a second connection joins the session with its
     * id and password, then closes it. The server drops the session and its ephemeral nodes; the original client
     * learns that its session expired when it next talks to the server.
     */
    public void expireSession(long sessionId, byte[] password) {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = null;
        try {
            twin = new ZooKeeper(connectString(), (int) EXPIRY_TIMEOUT.toMillis(), event -> {
                if (event.getState() == KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, sessionId, password);
            if (!connected.await(EXPIRY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not join session 0x" + Long.toHexString(sessionId)
                        + " within " + EXPIRY_TIMEOUT + " to expire it");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while expiring session 0x" + Long.toHexString(sessionId), ex);
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException("could not connect to " + connectString() + " to expire a session", ex);
        }
        finally {
            if (twin != null) {
                try {
                    twin.close();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** {@link #expireSession(long, byte[])} for a ZooKeeper client. */
    public void expireSession(ZooKeeper client) {
        expireSession(client.getSessionId(), client.getSessionPasswd());
    }

    private void requireDedicated(String action) {
        if (this.shared) {
            throw new IllegalStateException("cannot " + action + " the shared embedded registry: other test "
                    + "classes use it; annotate the test class with @EmbeddedRegistry(dedicated = true)");
        }
    }

    @Override
    public String toString() {
        return "RegistryHandle[" + connectString() + (this.shared ? ", shared" : ", dedicated") + "]";
    }
}
