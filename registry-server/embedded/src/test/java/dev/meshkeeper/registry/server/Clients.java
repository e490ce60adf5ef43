package dev.meshkeeper.registry.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/** A plain ZooKeeper client for tests, connected before it is returned, recording the states it went through. */
public final class Clients {

    private Clients() {
    }

    public static Connected connect(String connectString) {
        List<KeeperState> states = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(1);
        try {
            ZooKeeper zk = new ZooKeeper(connectString, 10_000, event -> {
                if (event.getType() == org.apache.zookeeper.Watcher.Event.EventType.None) {
                    states.add(event.getState());
                    if (event.getState() == KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                }
            });
            if (!connected.await(15, TimeUnit.SECONDS)) {
                zk.close();
                throw new IllegalStateException("could not connect to " + connectString);
            }
            return new Connected(zk, states);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public record Connected(ZooKeeper zk, List<KeeperState> states) implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            this.zk.close();
        }
    }
}
