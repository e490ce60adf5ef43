package dev.meshkeeper.registry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.TakesScreenshot;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Drives the web console in a real headless Chromium against a registry server holding instances registered in
 * Spring Cloud Zookeeper's format, a config context and shared data. Screenshots of the main pages go to
 * {@code docs/images/}.
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(180)
class ConsoleBrowserTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    /**
     * The docs' screenshots are refreshed only when asked ({@code -Dmeshkeeper.console.screenshots=refresh}), so a
     * test run leaves the working tree as it found it; otherwise they go to {@code target/console-screenshots}.
     */
    private static final Path SCREENSHOTS = "refresh".equals(System.getProperty("meshkeeper.console.screenshots"))
            ? Path.of("../../docs/images") : Path.of("target/console-screenshots");

    private static final Duration UI_WAIT = Duration.ofSeconds(15);

    private static final String STOCK = "/meshkeeper/data/inventory-stock";

    @TempDir
    static Path dataDir;

    @TempDir
    Path browserProfile;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        registry.add("meshkeeper.registry.client-port", () -> 0);
        registry.add("meshkeeper.registry.bind-address", () -> "127.0.0.1");
        registry.add("meshkeeper.registry.data-dir", () -> dataDir.toString());
        registry.add("meshkeeper.registry.tick-time", () -> "200ms");
        registry.add("meshkeeper.registry.topology.sample-interval", () -> "1s");
        registry.add("meshkeeper.registry.topology.event-interval", () -> "500ms");
        registry.add("meshkeeper.registry.security.users.otto.password", () -> "{bcrypt}" + bcrypt.encode("otto-pw"));
        registry.add("meshkeeper.registry.security.users.otto.roles", () -> "operator");
        registry.add("meshkeeper.registry.security.users.vera.password", () -> "{bcrypt}" + bcrypt.encode("vera-pw"));
        registry.add("meshkeeper.registry.security.users.vera.roles", () -> "viewer");
    }

    @LocalServerPort
    int port;

    @Autowired
    CuratorFramework serverClient;

    private final HttpClient http = HttpClient.newHttpClient();

    private CuratorFramework application;

    private WebDriver browser;

    @BeforeEach
    void startBrowserAndRegisterInstances() throws Exception {
        Assumptions.assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "Chromium or ChromeDriver not found at /usr/bin/chromium and /usr/bin/chromedriver: install the Debian "
                        + "packages chromium and chromium-driver to run the console browser test");
        // An application's own ZooKeeper client registers its instances, exactly as Spring Cloud Zookeeper does.
        this.application = CuratorFrameworkFactory.newClient(
                this.serverClient.getZookeeperClient().getCurrentConnectionString(), 10_000, 5_000,
                new ExponentialBackoffRetry(100, 3));
        this.application.start();
        assertThat(this.application.blockUntilConnected(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        register("inventory-service", 8081, "zone-a", "3", "v1");
        register("inventory-service", 8082, "zone-b", "1", "v2");
        register("order-service", 8090, "zone-a", "1", "v1");
        // Shared data as the applications write it: a map of stock entries and a counter.
        this.application.create().creatingParentsIfNeeded().forPath(STOCK, bytes("{\"kind\":\"map\"}"));
        this.application.create().forPath(STOCK + "/sku-1", bytes("{\"available\":5,\"fencingToken\":1}"));
        this.application.create().forPath(STOCK + "/sku-2", bytes("{\"available\":9,\"fencingToken\":1}"));
        this.application.create().forPath("/meshkeeper/data/orders-placed", bytes("7"));

        HttpResponse<String> created = this.http.send(HttpRequest.newBuilder(uri("/api/v1/config/order-service"))
                .header("Authorization", basic("otto", "otto-pw")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"properties\":{\"orders.max-quantity\":\"20\",\"orders.express-shipping\":\"true\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + this.browserProfile, "--window-size=1400,900");
        this.browser = new ChromeDriver(service, options);
        this.browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void close() throws Exception {
        if (this.browser != null) {
            this.browser.quit();
        }
        if (this.application != null) {
            this.application.delete().quietly().deletingChildrenIfNeeded().forPath("/services");
            this.application.delete().quietly().deletingChildrenIfNeeded().forPath("/meshkeeper/data");
            this.application.delete().quietly().deletingChildrenIfNeeded().forPath("/meshkeeper/topology");
            this.application.close();
        }
        if (this.serverClient != null) {
            // quietly: a test skipped for want of a browser never created them
            this.serverClient.delete().quietly().deletingChildrenIfNeeded().forPath("/config/order-service");
            this.serverClient.delete().quietly().deletingChildrenIfNeeded().forPath("/meshkeeper/config/order-service");
        }
    }

    @Test
    void operatorLogsInSeesServicesChangesAConfigValueRollsItBackAndLogsOut() throws Exception {
        this.browser.get(url("/"));
        await().atMost(UI_WAIT).untilAsserted(() -> assertThat(this.browser.getCurrentUrl()).contains("/login"));
        screenshot("console-login.png");
        logIn("otto", "otto-pw");

        // Overview: counts from the config API at least; other sources may answer or be shown as unavailable.
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(this.browser.getCurrentUrl()).contains("/console/");
            assertThat(text("#user-name")).isEqualTo("otto");
            assertThat(text("main h1")).isEqualTo("Overview");
            assertThat(text("main")).contains("Config contexts");
        });
        screenshot("console-overview.png");

        // Services: listed when the services API answers, otherwise an inline error in words (never a broken page).
        boolean servicesApi = apiAnswers("/api/v1/services");
        this.browser.get(url("/console/#/services"));
        if (servicesApi) {
            await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text("#services"))
                    .contains("inventory-service").contains("order-service"));
            click("#services a[href='#/services/inventory-service']");
            await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(this.browser.findElements(By.cssSelector("#instances tbody tr"))).hasSize(2);
                assertThat(text("#instances")).contains("127.0.0.1:8081").contains("zone-b").contains("UP");
                assertThat(text("#instances td.load")).isEqualTo("0.37");
            });
            // Live: the console follows the event stream (it stops polling then), so a new registration
            // appears without a reload.
            await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text("#live")).isEqualTo("live"));
            register("inventory-service", 8083, "zone-a", "1", "v2");
            await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(this.browser.findElements(By.cssSelector("#instances tbody tr"))).hasSize(3);
                assertThat(text("#instances")).contains("127.0.0.1:8083");
            });
        }
        else {
            await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(text("main h1")).isEqualTo("Services");
                assertThat(text("main .error")).contains("could not be loaded");
            });
        }
        screenshot("console-services.png");

        // Config: edit a value.
        this.browser.get(url("/console/#/config/order-service"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                text("#properties tr[data-key='orders.max-quantity']")).contains("20"));
        click("#properties tr[data-key='orders.max-quantity'] button[data-action='edit']");
        WebElement input = await().atMost(UI_WAIT).ignoreExceptions().until(
                () -> this.browser.findElement(By.cssSelector("#properties tr[data-key='orders.max-quantity'] input")),
                element -> element != null);
        input.clear();
        input.sendKeys("50");
        click("#properties tr[data-key='orders.max-quantity'] button[data-action='save']");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#properties tr[data-key='orders.max-quantity'] td.value-cell")).isEqualTo("50");
            assertThat(text("#history tr[data-version='2']")).contains("orders.max-quantity=20")
                    .contains("orders.max-quantity=50").contains("otto");
        });
        assertThat(apiGet("/api/v1/config/order-service")).contains("\"orders.max-quantity\":\"50\"")
                .contains("\"version\":2");
        screenshot("console-config.png");

        // Roll back to version 1: the old value returns, recorded as a new change.
        click("#history tr[data-version='1'] button[data-action='rollback']");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#properties tr[data-key='orders.max-quantity'] td.value-cell")).isEqualTo("20");
            assertThat(text("#history tr[data-version='3']")).contains("rollback").contains("back to v1");
        });
        assertThat(apiGet("/api/v1/config/order-service")).contains("\"orders.max-quantity\":\"20\"")
                .contains("\"version\":3");

        // Data: the applications' shared map, an entry edited with its version, a stale edit refused.
        this.browser.get(url("/console/#/data"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#data-names a[data-name='inventory-stock']")).contains("map · 2 entries");
            assertThat(text("#data-names a[data-name='orders-placed']")).contains("counter");
        });
        click("#data-names a[data-name='inventory-stock']");
        String sku1 = "#data-entries tr[data-key='sku-1']";
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(sku1 + " td.value-cell"))
                .isEqualTo("{\"available\":5,\"fencingToken\":1}"));
        click(sku1 + " button[data-action='edit']");
        WebElement entry = await().atMost(UI_WAIT).ignoreExceptions()
                .until(() -> this.browser.findElement(By.cssSelector(sku1 + " input")), element -> element != null);
        entry.clear();
        entry.sendKeys("{\"available\":4,\"fencingToken\":2}");
        click(sku1 + " button[data-action='save']");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text(sku1 + " td.value-cell")).isEqualTo("{\"available\":4,\"fencingToken\":2}");
            assertThat(text(sku1 + " td.version")).isEqualTo("v1");
        });
        assertThat(new String(this.serverClient.getData().forPath(STOCK + "/sku-1"), StandardCharsets.UTF_8))
                .isEqualTo("{\"available\":4,\"fencingToken\":2}");
        screenshot("console-data.png");

        // An application writes sku-2 while the operator edits it: the operator's save is refused, nothing lost.
        String sku2 = "#data-entries tr[data-key='sku-2']";
        click(sku2 + " button[data-action='edit']");
        WebElement stale = await().atMost(UI_WAIT).ignoreExceptions()
                .until(() -> this.browser.findElement(By.cssSelector(sku2 + " input")), element -> element != null);
        this.application.setData().forPath(STOCK + "/sku-2", bytes("{\"available\":8,\"fencingToken\":3}"));
        stale.clear();
        stale.sendKeys("{\"available\":0,\"fencingToken\":1}");
        click(sku2 + " button[data-action='save']");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#flash .error")).contains("Version mismatch").contains("is at version 1, not 0");
            assertThat(text(sku2 + " td.value-cell")).isEqualTo("{\"available\":8,\"fencingToken\":3}");
        });
        assertThat(new String(this.serverClient.getData().forPath(STOCK + "/sku-2"), StandardCharsets.UTF_8))
                .isEqualTo("{\"available\":8,\"fencingToken\":3}");

        // Log out: the session ends, the console asks for a login again.
        click("#logout");
        await().atMost(UI_WAIT).untilAsserted(() -> assertThat(this.browser.getCurrentUrl()).contains("/login"));
        this.browser.get(url("/console/"));
        await().atMost(UI_WAIT).untilAsserted(() -> assertThat(this.browser.getCurrentUrl()).contains("/login"));
    }

    @Test
    void viewerSeesWriteControlsDisabled() {
        this.browser.get(url("/console/"));
        logIn("vera", "vera-pw");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text("#user-name")).isEqualTo("vera"));
        this.browser.get(url("/console/#/config/order-service"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement edit = this.browser.findElement(
                    By.cssSelector("#properties tr[data-key='orders.max-quantity'] button[data-action='edit']"));
            assertThat(edit.isEnabled()).isFalse();
            assertThat(this.browser.findElement(By.cssSelector("#add-key button")).isEnabled()).isFalse();
        });
        this.browser.get(url("/console/#/data/inventory-stock"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#data-entries tr[data-key='sku-1'] td.value-cell")).contains("\"available\":5");
            assertThat(this.browser.findElement(By.cssSelector(
                    "#data-entries tr[data-key='sku-1'] button[data-action='edit']")).isEnabled()).isFalse();
            assertThat(this.browser.findElement(By.cssSelector("#add-entry button")).isEnabled()).isFalse();
            assertThat(this.browser.findElement(By.cssSelector("#delete-map")).isEnabled()).isFalse();
        });
        this.browser.get(url("/console/#/data/orders-placed"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#data-value")).isEqualTo("7");
            assertThat(this.browser.findElement(By.cssSelector("button[data-action='edit']")).isEnabled()).isFalse();
        });
    }

    @Test
    void viewerSeesWorkGroupsWithTheirMembersAndWhereEachItemRuns() throws Exception {
        String group = "/meshkeeper/placement/order-processing";
        this.application.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(group + "/members/order-service-1", bytes("{\"weight\":1}"));
        this.application.create().creatingParentContainersIfNeeded().forPath(group + "/assignment",
                bytes("{\"generation\":4,\"epoch\":99,\"owners\":{\"0\":\"order-service-1\",\"1\":\"order-service-1\"}}"));
        this.application.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(group + "/owners/0", bytes("order-service-1"));
        this.browser.get(url("/console/"));
        logIn("vera", "vera-pw");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text("#user-name")).isEqualTo("vera"));
        this.browser.get(url("/console/#/placement"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(text(".placement-group h2")).isEqualTo("order-processing");
            assertThat(text(".placement-group")).contains("generation 4").contains("1 moving");
            assertThat(text(".placement-members tbody")).contains("order-service-1");
            assertThat(text(".placement-items tbody")).contains("not running");
        });
        this.application.delete().forPath(group + "/assignment");
    }

    @Test
    void theMapDrawsReportedCallsLiveAndRecoloursAServiceWithAnInstanceOutOfService() throws Exception {
        logInAs("otto", "otto-pw");
        this.browser.get(url("/console/#/map"));
        String inventory = "svg g.map-node[data-service='inventory-service']";
        String calls = "svg g.map-edge[data-from='order-service'][data-to='inventory-service']";
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(this.browser.findElement(By.cssSelector(inventory)).getAttribute("data-health")).isEqualTo("up");
            assertThat(this.browser.findElements(By.cssSelector("svg g.map-node[data-service='order-service']")))
                    .hasSize(1);
        });
        assertThat(this.browser.findElements(By.cssSelector(calls))).isEmpty();
        String upColour = this.browser.findElement(By.cssSelector(inventory + " circle")).getAttribute("fill");

        // Calls flow: the instances report them in their topology nodes, as the starter writes them.
        report("order-service", "order-service-127.0.0.1-8090", """
                {"service":"order-service","instance":"order-service-127.0.0.1-8090","status":"UP","inFlight":2,
                 "load":0.05,"served":{"callsPerSecond":4.0,"errorRate":0.0,"p50Millis":9.3,"p90Millis":14.6,"p99Millis":22.7},
                 "calls":{"inventory-service":{"callsPerSecond":12.5,"errorRate":0.08,"p50Millis":4.8,"p90Millis":7.5,"p99Millis":18.2}}}""");
        report("inventory-service", "inventory-service-127.0.0.1-8081", """
                {"service":"inventory-service","instance":"inventory-service-127.0.0.1-8081","status":"UP","inFlight":1,
                 "load":0.37,"served":{"callsPerSecond":6.2,"errorRate":0.08,"p50Millis":3.8,"p90Millis":5.9,"p99Millis":14.6},
                 "calls":{}}""");
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement edge = this.browser.findElement(By.cssSelector(calls));
            assertThat(edge.getAttribute("data-errors")).isEqualTo("bad");
            assertThat(edge.getText()).contains("13/s").contains("8% err").contains("p99 18 ms");
        });

        // An operator takes an instance out of service: the service's colour changes without a reload.
        HttpResponse<String> out = this.http.send(HttpRequest.newBuilder(
                uri("/api/v1/services/inventory-service/instances/inventory-service-127.0.0.1-8082/status"))
                .header("Authorization", basic("otto", "otto-pw")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"OUT_OF_SERVICE\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(this.browser.findElement(By.cssSelector(inventory)).getAttribute("data-health"))
                    .isEqualTo("partial");
            assertThat(this.browser.findElement(By.cssSelector(inventory + " circle")).getAttribute("fill"))
                    .isNotEqualTo(upColour);
        });
        screenshot("console-map.png");

        // The service page draws each reporting instance's recent load and latency.
        this.browser.get(url("/console/#/services/inventory-service"));
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement row = this.browser.findElement(
                    By.cssSelector("#instances tr[data-instance='inventory-service-127.0.0.1-8081']"));
            assertThat(Integer.parseInt(row.findElement(By.cssSelector("svg.sparkline[data-field='load']"))
                    .getAttribute("data-points"))).isGreaterThanOrEqualTo(2);
            assertThat(Integer.parseInt(row.findElement(By.cssSelector("svg.sparkline[data-field='p99Millis']"))
                    .getAttribute("data-points"))).isGreaterThanOrEqualTo(2);
        });
        screenshot("console-service-sparklines.png");
    }

    @Test
    void theTimelineListsRegistrationsAndShowsAStatusChangeLive() throws Exception {
        logInAs("vera", "vera-pw");
        this.browser.get(url("/console/#/timeline"));
        String instance = "inventory-service/inventory-service-127.0.0.1-8082";
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text("#timeline tbody"))
                .contains("registration").contains(instance));
        assertThat(this.browser.findElements(By.cssSelector("#timeline tr.timeline-status"))).isEmpty();

        // An operator takes the instance out of service: the entry appears without a reload.
        HttpResponse<String> out = this.http.send(HttpRequest.newBuilder(
                uri("/api/v1/services/inventory-service/instances/inventory-service-127.0.0.1-8082/status"))
                .header("Authorization", basic("otto", "otto-pw")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"OUT_OF_SERVICE\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement newest = this.browser.findElement(By.cssSelector("#timeline tbody tr:first-child"));
            assertThat(newest.getAttribute("class")).isEqualTo("timeline-status");
            assertThat(newest.getText()).contains(instance).contains("UP -> OUT_OF_SERVICE");
        });
        assertThat(text("#live")).isEqualTo("live");
        screenshot("console-timeline.png");
    }

    private void report(String service, String id, String json) throws Exception {
        this.application.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/meshkeeper/topology/" + service + "/" + id, json.getBytes(StandardCharsets.UTF_8));
    }

    private void logInAs(String user, String password) {
        this.browser.get(url("/"));
        await().atMost(UI_WAIT).untilAsserted(() -> assertThat(this.browser.getCurrentUrl()).contains("/login"));
        logIn(user, password);
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text("#user-name")).isEqualTo(user));
    }

    private void logIn(String user, String password) {
        await().atMost(UI_WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(this.browser.getCurrentUrl()).contains("/login");
            this.browser.findElement(By.id("username")).clear();
            this.browser.findElement(By.id("username")).sendKeys(user);
        });
        this.browser.findElement(By.id("password")).sendKeys(password);
        this.browser.findElement(By.cssSelector("form button[type='submit']")).click();
    }

    private void click(String css) {
        await().atMost(UI_WAIT).ignoreExceptions()
                .untilAsserted(() -> this.browser.findElement(By.cssSelector(css)).click());
    }

    private String text(String css) {
        return this.browser.findElement(By.cssSelector(css)).getText();
    }

    private void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name), png);
    }

    private void register(String service, int port, String zone, String weight, String version) throws Exception {
        String id = service + "-127.0.0.1-" + port;
        String json = """
                {"name":"%1$s","id":"%2$s","address":"127.0.0.1","port":%3$d,"sslPort":null,
                 "payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance",
                   "id":"%1$s","name":"%1$s","metadata":{"zone":"%4$s","weight":"%5$s","version":"%6$s",
                   "instance_status":"UP","load":"0.37"}},
                 "registrationTimeUTC":%7$d,"serviceType":"DYNAMIC",
                 "uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},
                   {"value":"address","variable":true},{"value":":","variable":false},
                   {"value":"port","variable":true}]}}
                """.formatted(service, id, port, zone, weight, version, System.currentTimeMillis());
        this.application.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/services/" + service + "/" + id, json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private boolean apiAnswers(String path) throws Exception {
        return this.http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", basic("otto", "otto-pw"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private String apiGet(String path) throws Exception {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", basic("otto", "otto-pw")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + this.port + path;
    }

    private URI uri(String path) {
        return URI.create(url(path));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
