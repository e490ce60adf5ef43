package dev.meshkeeper.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperAuthentication;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** With ZooKeeper authentication on, shared data nodes belong to the application that created them. */
// Its own server: the first authenticated client to create the data root owns it, which would refuse the
// unauthenticated clients of other test classes sharing a server.
@EmbeddedRegistry(dedicated = true)
@Timeout(60)
class SharedDataAclTests {

    @Test
    void nodesAnAuthenticatedApplicationCreatesAreWritableByItOnlyAndReadableByAll(RegistryHandle registry)
            throws Exception {
        try (Authenticated owner = new Authenticated(registry, "acl-owner", "owner-secret");
                Authenticated other = new Authenticated(registry, "acl-other", "other-secret")) {
            SharedMap<Integer> stock = owner.data.map("acl-stock", Integer.class);
            stock.put("sku", 5);
            SharedCounter counter = owner.data.counter("acl-counter");
            counter.incrementAndGet(1);
            for (String path : List.of("/meshkeeper/data/acl-stock", "/meshkeeper/data/acl-stock/sku",
                    "/meshkeeper/data/acl-counter")) {
                List<ACL> acl = owner.curator.getACL().forPath(path);
                assertThat(acl).as(path).anySatisfy(entry -> {
                    assertThat(entry.getId().getScheme()).isEqualTo("digest");
                    assertThat(entry.getId().getId()).startsWith("acl-owner:");
                    assertThat(entry.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
                });
                assertThat(acl).as(path).anySatisfy(entry -> {
                    assertThat(entry.getId()).isEqualTo(ZooDefs.Ids.ANYONE_ID_UNSAFE);
                    assertThat(entry.getPerms()).isEqualTo(ZooDefs.Perms.READ);
                });
            }
            SharedMap<Integer> theirs = other.data.map("acl-stock", Integer.class);
            assertThat(theirs.get("sku")).isEqualTo(5);
            assertThatIllegalStateException().isThrownBy(() -> theirs.put("sku", 0))
                    .withMessageContaining("'acl-stock/sku'").withMessageContaining("NOAUTH");
            assertThat(stock.get("sku")).isEqualTo(5);
        }
    }

    /** An application with digest credentials, its Curator customised as the starter does it. */
    private static final class Authenticated implements AutoCloseable {

        final CuratorFramework curator;

        final SharedData data;

        private final ZooKeeperConnectionMonitor monitor;

        Authenticated(RegistryHandle registry, String username, String password) throws InterruptedException {
            CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                    .connectString(registry.connectString()).sessionTimeoutMs(6_000).connectionTimeoutMs(2_000)
                    .retryPolicy(new ExponentialBackoffRetry(100, 10, 500));
            new ZooKeeperAuthentication().customize(builder, new Binder(new MapConfigurationPropertySource(Map.of(
                    "meshkeeper.zookeeper.auth.username", username, "meshkeeper.zookeeper.auth.password", password))));
            this.curator = builder.build();
            this.curator.start();
            this.curator.blockUntilConnected();
            this.monitor = new ZooKeeperConnectionMonitor(this.curator, event -> { });
            this.monitor.afterPropertiesSet();
            this.data = new SharedData(new ZooKeeperRequests(this.curator, this.monitor, Duration.ofSeconds(2),
                    Clock.systemUTC()), new DataProperties());
        }

        @Override
        public void close() {
            this.data.close();
            this.monitor.destroy();
            this.curator.close();
        }
    }
}
