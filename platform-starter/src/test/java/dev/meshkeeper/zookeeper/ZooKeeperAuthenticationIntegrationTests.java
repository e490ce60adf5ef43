package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.lock.ClusterLock;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.lock.LockLease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * An application with {@code meshkeeper.zookeeper.auth.*} against a ZooKeeper server that requires digest
 * authentication and holds the registry's ACL layout: it loads its configuration, registers and takes a lock, and
 * everything it creates is out of reach of other identities.
 */
@Timeout(180)
class ZooKeeperAuthenticationIntegrationTests {

    private static final String APP = "auth-app";

    private static final String APP_PASSWORD = "auth-app-secret";

    @TempDir
    static Path work;

    static EnforcingZooKeeperServer server;

    static CuratorFramework admin;

    static ConfigurableApplicationContext app;

    @BeforeAll
    static void startServerAndApplication() throws Exception {
        server = EnforcingZooKeeperServer.start(work.resolve("data"),
                DigestAuthenticationProvider.generateDigest("test-admin:admin-secret"));
        admin = client("test-admin", "admin-secret");
        provisionRegistryLayout();
        app = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET).run(
                "--spring.application.name=" + APP, "--spring.config.import=zookeeper:" + server.connectString(),
                "--spring.cloud.zookeeper.connect-string=" + server.connectString(),
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "--server.port=0",
                "--server.address=127.0.0.1", "--meshkeeper.zookeeper.auth.username=" + APP,
                "--meshkeeper.zookeeper.auth.password=" + APP_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** What the registry server provisions when authentication is on (see docs/registry-server.md). */
    private static void provisionRegistryLayout() throws Exception {
        List<ACL> worldRead = List.of(new ACL(Perms.READ, new Id("world", "anyone")));
        admin.create().creatingParentsIfNeeded().withACL(worldRead).forPath("/config/" + APP + "/greeting",
                "hello, authenticated".getBytes(StandardCharsets.UTF_8));
        admin.setACL().withACL(worldRead).forPath("/config");
        admin.setACL().withACL(worldRead).forPath("/config/" + APP);
        admin.create().withACL(worldRead).forPath("/services");
        admin.create().withACL(List.of(
                new ACL(Perms.CREATE | Perms.DELETE | Perms.READ,
                        new Id("digest", DigestAuthenticationProvider.generateDigest(APP + ":" + APP_PASSWORD))),
                new ACL(Perms.READ, new Id("world", "anyone")))).forPath("/services/" + APP);
        admin.create().withACL(worldRead).forPath("/meshkeeper");
        admin.create().withACL(List.of(new ACL(Perms.READ | Perms.CREATE, new Id("world", "anyone"))))
                .forPath("/meshkeeper/locks");
    }

    @Test
    void configurationIsLoadedThroughTheAuthenticatedStartUpClient() {
        assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("hello, authenticated");
    }

    @Test
    void registrationIsWritableByTheApplicationOnlyAndReadableByAll() throws Exception {
        String instance = await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.getChildren().forPath("/services/" + APP), children -> !children.isEmpty())
                .get(0);
        String path = "/services/" + APP + "/" + instance;
        assertThat(admin.getACL().forPath(path)).containsExactlyInAnyOrder(
                new ACL(Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(APP + ":" + APP_PASSWORD))),
                new ACL(Perms.READ, new Id("world", "anyone")));

        try (CuratorFramework other = client("other-app", "other-secret")) {
            assertThat(new String(other.getData().forPath(path), StandardCharsets.UTF_8)).contains(APP);
            assertNoAuth(() -> other.setData().forPath(path, "{}".getBytes(StandardCharsets.UTF_8)));
            assertNoAuth(() -> other.delete().forPath(path));
            assertNoAuth(() -> other.create().withMode(CreateMode.EPHEMERAL).forPath("/services/" + APP + "/fake"));
            assertNoAuth(() -> other.setData().forPath("/config/" + APP + "/greeting", "x".getBytes()));
            assertNoAuth(() -> other.create().forPath("/config/" + APP + "/injected", "x".getBytes()));
        }
        assertThat(admin.checkExists().forPath(path)).isNotNull();
    }

    @Test
    void lockNodesBelongToTheApplication() throws Exception {
        ClusterLock lock = app.getBean(DistributedLocks.class).mutex("auth-app-lock");
        Optional<LockLease> lease = lock.tryAcquire(Duration.ofSeconds(10));
        assertThat(lease).isPresent();
        try (LockLease held = lease.get(); CuratorFramework other = client("other-app", "other-secret")) {
            String lockPath = "/meshkeeper/locks/auth-app-lock";
            List<String> contenders = admin.getChildren().forPath(lockPath);
            assertThat(contenders).isNotEmpty();
            for (String contender : contenders) {
                assertNoAuth(() -> other.delete().forPath(lockPath + "/" + contender));
            }
            assertNoAuth(() -> other.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath(lockPath + "/_c_intruder-lock-"));
        }
    }

    @Test
    void aClientWithoutCredentialsIsTurnedAway() {
        try (CuratorFramework anonymous = CuratorFrameworkFactory.builder().connectString(server.connectString())
                .retryPolicy(new RetryOneTime(100)).connectionTimeoutMs(5_000).sessionTimeoutMs(10_000).build()) {
            anonymous.start();
            Throwable failure = catchThrowable(() -> anonymous.setData().forPath("/config/" + APP + "/greeting",
                    "x".getBytes()));
            assertThat(failure).isInstanceOfAny(KeeperException.SessionClosedRequireAuthException.class,
                    KeeperException.AuthFailedException.class);
        }
    }

    @Test
    void anApplicationWithoutCredentialsFailsToStartWithAnAnalysisNamingTheProperties() {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET).run("--spring.application.name=" + APP,
                        "--spring.config.import=zookeeper:" + server.connectString(),
                        "--spring.cloud.zookeeper.connect-string=" + server.connectString(),
                        "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "--server.port=0",
                        "--server.address=127.0.0.1", "--spring.cloud.zookeeper.connection-timeout=3s",
                        "--spring.cloud.zookeeper.max-retries=1"));
        assertThat(failure).isNotNull();

        FailureAnalysis analysis = new ZooKeeperAccessFailureAnalyzer().analyze(failure);

        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        assertThat(analysis.getAction()).contains("meshkeeper.zookeeper.auth.username")
                .contains("meshkeeper.zookeeper.auth.password");
        assertThat(analysis.getDescription()).contains("did not authenticate");
    }

    private static void assertNoAuth(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatExceptionOfType(KeeperException.NoAuthException.class).isThrownBy(call);
    }

    private static CuratorFramework client(String user, String password) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(server.connectString())
                .retryPolicy(new RetryOneTime(100)).connectionTimeoutMs(10_000).sessionTimeoutMs(10_000)
                .authorization("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8)).build();
        client.start();
        assertThat(client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return client;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

    }
}
