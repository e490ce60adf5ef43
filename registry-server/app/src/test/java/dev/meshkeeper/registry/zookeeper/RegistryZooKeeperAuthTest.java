package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.junit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A registry server with {@code meshkeeper.registry.auth.enabled=true}, run in a process of its own (ZooKeeper reads
 * authentication settings from JVM-wide system properties): applications write only their own registrations, nobody
 * but the registry writes the configuration, clients without credentials are turned away, and the config and admin
 * APIs keep working — also on nodes written before authentication was switched on, and after a restart.
 */
@Timeout(300)
class RegistryZooKeeperAuthTest {

    private static final Logger logger = LoggerFactory.getLogger(RegistryZooKeeperAuthTest.class);

    private static final String INVENTORY = "inventory-service";

    private static final String ORDERS = "order-service";

    @TempDir
    Path work;

    private final List<Process> processes = new ArrayList<>();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private int zooKeeperPort;

    private int httpPort;

    @AfterEach
    void stop() throws Exception {
        for (int i = this.closeables.size() - 1; i >= 0; i--) {
            this.closeables.get(i).close();
        }
        this.processes.forEach(Process::destroyForcibly);
    }

    @Test
    void applicationsWriteOnlyTheirOwnRegistrationAndOnlyTheRegistryWritesConfig() throws Exception {
        int[] ports = FreePorts.take(2);
        this.zooKeeperPort = ports[0];
        this.httpPort = ports[1];

        // Before authentication is switched on, anyone writes: these nodes must be protected afterwards.
        Process open = startRegistry(false);
        try (CuratorFramework anyone = client(null, null)) {
            anyone.create().creatingParentsIfNeeded().forPath("/config/" + INVENTORY + "/greeting",
                    "hello".getBytes(StandardCharsets.UTF_8));
            anyone.create().creatingParentsIfNeeded().forPath("/services/" + INVENTORY);
        }
        stopRegistry(open);

        Process secured = startRegistry(true);
        CuratorFramework inventory = closing(client(INVENTORY, "inventory-pw"));
        CuratorFramework orders = closing(client(ORDERS, "orders-pw"));
        String instance = "/services/" + INVENTORY + "/inventory-service-127.0.0.1-8081";
        register(inventory, INVENTORY, "inventory-service-127.0.0.1-8081", 8081);
        register(orders, ORDERS, "order-service-127.0.0.1-9091", 9091);

        assertThat(text(inventory.getData().forPath("/config/" + INVENTORY + "/greeting"))).isEqualTo("hello");
        assertThat(text(orders.getData().forPath(instance))).contains(INVENTORY);
        // the node written before authentication was switched on is now its application's alone
        assertNoAuth(() -> orders.getData().forPath("/config/" + INVENTORY + "/greeting"));

        // Another application cannot touch the configuration, even the node written before ACLs existed...
        assertNoAuth(() -> orders.setData().forPath("/config/" + INVENTORY + "/greeting", bytes("hacked")));
        assertNoAuth(() -> orders.delete().forPath("/config/" + INVENTORY + "/greeting"));
        assertNoAuth(() -> orders.create().forPath("/config/" + INVENTORY + "/injected", bytes("x")));
        assertNoAuth(() -> orders.create().forPath("/config/" + ORDERS, bytes("x")));
        // ...nor its own configuration...
        assertNoAuth(() -> inventory.setData().forPath("/config/" + INVENTORY + "/greeting", bytes("self-served")));
        // ...nor another application's registration.
        assertNoAuth(() -> orders.delete().forPath(instance));
        assertNoAuth(() -> orders.setData().forPath(instance, bytes("{}")));
        assertNoAuth(() -> orders.create().withMode(CreateMode.EPHEMERAL)
                .forPath("/services/" + INVENTORY + "/fake-inventory-instance", bytes("{}")));
        assertNoAuth(() -> orders.delete().forPath("/services/" + INVENTORY));
        // An application cannot open its service node to others, nor claim an unlisted service name.
        assertNoAuth(() -> orders.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath("/services/" + ORDERS));
        assertNoAuth(() -> orders.create().forPath("/services/unlisted-service"));
        // ZooKeeper shows a digest id's hash only to identities with ADMIN rights on the node.
        assertThat(orders.getACL().forPath("/services/" + INVENTORY)).containsExactlyInAnyOrder(
                new ACL(Perms.CREATE | Perms.DELETE | Perms.READ, new Id("digest", INVENTORY + ":x")),
                new ACL(Perms.READ, new Id("world", "anyone")));

        // Both applications take locks and lead; each lock node belongs to its creator.
        inventory.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath("/meshkeeper/locks/stock/_c_a-lock-");
        orders.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath("/meshkeeper/leaders/reconciliation/_c_b-latch-");
        assertNoAuth(() -> orders.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath("/meshkeeper/locks/stock/_c_b-lock-"));

        // Each application reads its own config contexts and the shared one; not another application's, nor the
        // config history or the audit log.
        assertThat(send("PUT", "/api/v1/config/" + ORDERS + ",prod", "application/json",
                "{\"properties\":{\"db.password\":\"orders-db-secret\"}}").statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/v1/config/application", "application/json",
                "{\"properties\":{\"shared.greeting\":\"hi all\"}}").statusCode()).isEqualTo(200);
        assertThat(text(orders.getData().forPath("/config/" + ORDERS + ",prod/db.password")))
                .isEqualTo("orders-db-secret");
        assertThat(text(inventory.getData().forPath("/config/application/shared.greeting"))).isEqualTo("hi all");
        assertThat(text(orders.getData().forPath("/config/application/shared.greeting"))).isEqualTo("hi all");
        assertNoAuth(() -> inventory.getData().forPath("/config/" + ORDERS + ",prod/db.password"));
        assertNoAuth(() -> inventory.getChildren().forPath("/config/" + ORDERS + ",prod"));
        assertNoAuth(() -> orders.getData().forPath("/config/" + INVENTORY + "/greeting"));
        assertNoAuth(() -> inventory.getChildren().forPath("/meshkeeper/config/" + ORDERS + ",prod/history"));
        assertNoAuth(() -> inventory.getChildren().forPath("/meshkeeper/audit"));

        // The registry's APIs still write the configuration and change the status of an application's instance.
        assertThat(send("PUT", "/api/v1/config/" + INVENTORY, "application/json",
                "{\"properties\":{\"greeting\":\"hello from the API\"}}").statusCode()).isEqualTo(200);
        assertThat(text(inventory.getData().forPath("/config/" + INVENTORY + "/greeting")))
                .isEqualTo("hello from the API");
        assertThat(send("PUT", "/api/v1/services/" + INVENTORY + "/instances/inventory-service-127.0.0.1-8081/status",
                "application/json", "{\"status\":\"OUT_OF_SERVICE\"}").statusCode()).isEqualTo(200);
        assertThat(text(inventory.getData().forPath(instance))).contains("OUT_OF_SERVICE");

        // The cluster view says what ZooKeeper demands, without any secret.
        HttpResponse<String> cluster = send("GET", "/api/v1/cluster", null, null);
        assertThat(cluster.statusCode()).isEqualTo(200);
        assertThat(cluster.body()).contains("\"zookeeperAuthentication\":{\"enabled\":true,\"required\":true,")
                .contains("\"" + INVENTORY + "\"").doesNotContain("inventory-pw");

        // A client without credentials is turned away.
        try (CuratorFramework anonymous = client(null, null)) {
            assertThat(catchThrowable(() -> anonymous.setData().forPath("/config/" + INVENTORY + "/greeting",
                    bytes("anonymous")))).isInstanceOfAny(KeeperException.SessionClosedRequireAuthException.class,
                            KeeperException.AuthFailedException.class);
        }
        // A wrong password is another identity: no rights on the application's nodes.
        try (CuratorFramework impostor = client(INVENTORY, "guessed")) {
            assertNoAuth(() -> impostor.delete().forPath(instance));
        }

        // A restart generates a new administrator secret; the ACLs are applied again and the APIs keep working.
        stopRegistry(secured);
        startRegistry(true);
        assertThat(send("PUT", "/api/v1/config/" + INVENTORY, "application/json",
                "{\"properties\":{\"greeting\":\"after restart\"}}").statusCode()).isEqualTo(200);
        try (CuratorFramework reconnected = client(INVENTORY, "inventory-pw")) {
            assertThat(text(reconnected.getData().forPath("/config/" + INVENTORY + "/greeting")))
                    .isEqualTo("after restart");
            assertThat(reconnected.getACL().forPath("/config/" + INVENTORY + "/greeting"))
                    .containsExactly(new ACL(Perms.READ, new Id("digest", INVENTORY + ":x")));
        }
        assertNoAuth(() -> orders.setData().forPath("/config/" + INVENTORY + "/greeting", bytes("hacked")));
        assertThat(Files.readString(this.work.resolve("registry-3.log"))).doesNotContain("inventory-pw")
                .doesNotContain(digest(INVENTORY, "inventory-pw").substring(INVENTORY.length() + 1));
    }

    @Test
    void namesReservedForOneApplicationAreRefusedToOthers() throws Exception {
        int[] ports = FreePorts.take(2);
        this.zooKeeperPort = ports[0];
        this.httpPort = ports[1];
        startRegistry(true, List.of("--meshkeeper.registry.auth.applications." + INVENTORY
                + ".names=stock-*,inventory-leader"));
        CuratorFramework inventory = closing(client(INVENTORY, "inventory-pw"));
        CuratorFramework orders = closing(client(ORDERS, "orders-pw"));

        // another application cannot squat a reserved name before the owner uses it
        assertNoAuth(() -> orders.create().withMode(CreateMode.CONTAINER).forPath("/meshkeeper/locks/stock-7"));
        assertNoAuth(() -> orders.create().creatingParentContainersIfNeeded()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/meshkeeper/locks/stock-8/_c_b-lock-"));
        assertNoAuth(() -> orders.create().withMode(CreateMode.CONTAINER).forPath("/meshkeeper/leaders/inventory-leader"));
        // the owner takes its reserved names, as Curator's lock and latch recipes create them
        inventory.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath("/meshkeeper/locks/stock-8/_c_a-lock-");
        inventory.create().withMode(CreateMode.CONTAINER).forPath("/meshkeeper/leaders/inventory-leader");
        // a wrong password is another identity, even under the owner's name
        try (CuratorFramework impostor = client(INVENTORY, "guessed")) {
            assertNoAuth(() -> impostor.create().withMode(CreateMode.CONTAINER).forPath("/meshkeeper/locks/stock-9"));
        }
        // names nobody reserved stay open to every application
        orders.create().withMode(CreateMode.CONTAINER).forPath("/meshkeeper/locks/orders-1");
        orders.create().withMode(CreateMode.CONTAINER).forPath("/meshkeeper/leaders/inventory");
    }

    @Test
    void applicationsOwnTheSharedDataTheyCreateAndTheRegistryWritesAll() throws Exception {
        int[] ports = FreePorts.take(2);
        this.zooKeeperPort = ports[0];
        this.httpPort = ports[1];
        startRegistry(true);
        CuratorFramework inventory = closing(client(INVENTORY, "inventory-pw"));
        CuratorFramework orders = closing(client(ORDERS, "orders-pw"));
        String stock = "/meshkeeper/data/inventory-stock";

        // Every application creates names of its own under the data root, as its starter does.
        assertThat(orders.getACL().forPath("/meshkeeper/data")).containsExactly(
                new ACL(Perms.READ | Perms.CREATE, new Id("world", "anyone")));
        inventory.create().forPath(stock, bytes("{\"kind\":\"map\"}"));
        inventory.create().forPath(stock + "/sku-1", bytes("{\"available\":5}"));
        inventory.create().forPath("/meshkeeper/data/inventory-flags", bytes("{\"checkout\":true}"));
        orders.create().forPath("/meshkeeper/data/orders-placed", bytes("0"));

        // Work groups: an application's members create their group under the placement root; others only read it.
        assertThat(orders.getACL().forPath("/meshkeeper/placement")).containsExactly(
                new ACL(Perms.READ | Perms.CREATE, new Id("world", "anyone")));
        orders.create().creatingParentContainersIfNeeded().forPath("/meshkeeper/placement/order-processing/assignment",
                bytes("{\"generation\":1}"));
        assertThat(text(inventory.getData().forPath("/meshkeeper/placement/order-processing/assignment")))
                .isEqualTo("{\"generation\":1}");
        assertNoAuth(() -> inventory.setData().forPath("/meshkeeper/placement/order-processing/assignment",
                bytes("{\"generation\":2}")));

        // Another application reads them but cannot change, extend or delete them.
        assertThat(text(orders.getData().forPath(stock + "/sku-1"))).isEqualTo("{\"available\":5}");
        assertNoAuth(() -> orders.setData().forPath(stock + "/sku-1", bytes("{\"available\":0}")));
        assertNoAuth(() -> orders.create().forPath(stock + "/sku-9", bytes("{\"available\":1}")));
        assertNoAuth(() -> orders.delete().forPath(stock + "/sku-1"));
        assertNoAuth(() -> orders.delete().forPath("/meshkeeper/data/inventory-flags"));
        assertNoAuth(() -> inventory.setData().forPath("/meshkeeper/data/orders-placed", bytes("100")));

        // The registry's API writes everything; an entry it adds belongs to the map's owner like the others.
        assertThat(send("PUT", "/api/v1/data/inventory-stock/sku-1", "application/json", "{\"available\":4}")
                .statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/v1/data/inventory-stock/sku-2", "application/json", "{\"available\":7}")
                .statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/v1/data/orders-placed", "application/json", "12").statusCode()).isEqualTo(200);
        assertThat(text(inventory.getData().forPath(stock + "/sku-1"))).isEqualTo("{\"available\":4}");
        inventory.setData().forPath(stock + "/sku-2", bytes("{\"available\":6}"));
        assertNoAuth(() -> orders.setData().forPath(stock + "/sku-2", bytes("{\"available\":0}")));
        assertThat(send("DELETE", "/api/v1/data/inventory-flags", null, null).statusCode()).isEqualTo(204);
        assertThat(inventory.checkExists().forPath("/meshkeeper/data/inventory-flags")).isNull();
        assertThat(text(orders.getData().forPath("/meshkeeper/data/orders-placed"))).isEqualTo("12");
    }

    @Test
    void aDigestMadeForAnotherUserFailsStartUpNamingTheProperty() throws Exception {
        int[] ports = FreePorts.take(2);
        this.zooKeeperPort = ports[0];
        this.httpPort = ports[1];
        Process process = launch(List.of("--meshkeeper.registry.auth.enabled=true",
                "--meshkeeper.registry.auth.applications." + INVENTORY + ".digest=" + digest(ORDERS, "pw")));
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(this.work.resolve("registry-1.log")))
                .contains("meshkeeper.registry.auth.applications." + INVENTORY + ".digest")
                .contains("made for the user '" + ORDERS + "'");
    }

    private Process startRegistry(boolean authentication) throws Exception {
        return startRegistry(authentication, List.of());
    }

    private Process startRegistry(boolean authentication, List<String> extra) throws Exception {
        List<String> arguments = new ArrayList<>();
        if (authentication) {
            arguments.add("--meshkeeper.registry.auth.enabled=true");
            // Both forms ZooKeeper's DigestAuthenticationProvider prints: with and without the user name.
            arguments.add("--meshkeeper.registry.auth.applications." + INVENTORY + ".digest="
                    + digest(INVENTORY, "inventory-pw"));
            arguments.add("--meshkeeper.registry.auth.applications." + ORDERS + ".digest="
                    + digest(ORDERS, "orders-pw").substring(ORDERS.length() + 1));
        }
        arguments.addAll(extra);
        long launchedAt = System.nanoTime();
        Process process = launch(arguments);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .untilAsserted(() -> {
            assertThat(process.isAlive()).as("registry process alive").isTrue();
            assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
        });
        logger.info("Registry process {} answered its health after {} ms", this.processes.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAt));
        return process;
    }

    private Process launch(List<String> extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A registry process lives for seconds: the C1 compiler, the serial collector and the JDK's class data
        // sharing archive start it with less than half the CPU time of the defaults with -Xshare:off.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), RegistryServerApplication.class.getName(),
                "--server.port=" + this.httpPort, "--server.address=127.0.0.1",
                "--meshkeeper.registry.bind-address=127.0.0.1",
                "--meshkeeper.registry.client-port=" + this.zooKeeperPort,
                "--meshkeeper.registry.data-dir=" + this.work.resolve("data"),
                "--meshkeeper.registry.tick-time=200ms", "--spring.main.banner-mode=off",
                "--meshkeeper.registry.security.users.olga.password={bcrypt}"
                        + new BCryptPasswordEncoder(4).encode("olga-pw"),
                "--meshkeeper.registry.security.users.olga.roles=operator"));
        command.addAll(extra);
        Path log = this.work.resolve("registry-" + (this.processes.size() + 1) + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        this.processes.add(process);
        return process;
    }

    private void stopRegistry(Process process) throws InterruptedException {
        long stoppedAt = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        logger.info("Registry process stopped after {} ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .timeout(Duration.ofSeconds(20)).header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("olga:olga-pw".getBytes(StandardCharsets.UTF_8)));
        request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
                : HttpRequest.BodyPublishers.noBody());
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client configured as the starter configures an application's clients with meshkeeper.zookeeper.auth.*. */
    private CuratorFramework client(String user, String password) throws InterruptedException {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString("127.0.0.1:" + this.zooKeeperPort).retryPolicy(new RetryOneTime(100))
                .connectionTimeoutMs(10_000).sessionTimeoutMs(10_000);
        if (user != null) {
            builder.authorization("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8))
                    .aclProvider(new CreatorWritesEveryoneReads());
        }
        CuratorFramework client = builder.build();
        client.start();
        assertThat(client.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        return client;
    }

    private void register(CuratorFramework client, String service, String id, int port) throws Exception {
        ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                .client(client).basePath("/services")
                .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).watchInstances(false).build();
        discovery.start();
        closing(discovery);
        discovery.registerService(ServiceInstance.<ZookeeperInstance>builder().name(service).id(id)
                .address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, Map.of("instance_status", "UP"))).build());
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        this.closeables.add(closeable);
        return closeable;
    }

    private static void assertNoAuth(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatExceptionOfType(KeeperException.NoAuthException.class).isThrownBy(call);
    }

    private static String digest(String user, String password) throws Exception {
        return DigestAuthenticationProvider.generateDigest(user + ":" + password);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static final class CreatorWritesEveryoneReads implements ACLProvider {

        // ZooKeeper asks the list whether it contains null: List.of would throw.
        private static final List<ACL> ACL = Arrays.asList(new ACL(Perms.ALL, ZooDefs.Ids.AUTH_IDS),
                new ACL(Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));

        @Override
        public List<ACL> getDefaultAcl() {
            return ACL;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return ACL;
        }
    }
}
