package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(120)
class RegistryEventsIntegrationTests {

    private static final int MAX_STREAMS = 2;

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        registry.add("meshkeeper.registry.events.heartbeat", () -> "500ms");
        registry.add("meshkeeper.registry.events.max-subscribers", () -> MAX_STREAMS);
        TestRegistryProperties.user(registry, "olga", "operator");
        TestRegistryProperties.user(registry, "vic", "viewer");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    @Autowired
    RegistryEvents events;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<EventStream> streams = new ArrayList<>();

    @AfterEach
    void closeStreams() throws Exception {
        for (EventStream stream : this.streams) {
            stream.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> this.events.subscriberCount() == 0);
    }

    @Test
    void aViewerIsToldWhichPartOfTheRegistryChanged() throws Exception {
        EventStream stream = open("vic");
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:open"));
        assertThat(stream.lines).anyMatch(line -> line.startsWith("data:") && line.contains("services")
                && line.contains("config") && line.contains("locks"));

        HttpResponse<String> put = send("PUT", "/api/v1/config/events-test/properties/greeting", "olga", "hello");
        assertThat(put.statusCode()).as(put.body()).isBetween(200, 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:config"));
        assertThat(stream.lines).contains("data:{\"topic\":\"config\"}");
        // the config write is audited, and the audit entry is announced too
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:audit"));

        this.curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/services/events-service/events-service-1", "{}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:services"));

        InterProcessMutex lock = new InterProcessMutex(this.curator, "/meshkeeper/locks/events-lock");
        lock.acquire();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:locks"));
        }
        finally {
            lock.release();
        }
        assertThat(stream.has("event:leaders")).as("nothing changed under the leaders root").isFalse();
    }

    @Test
    void sharedDataChangesAreAnnouncedAsDataEvents() throws Exception {
        EventStream stream = open("vic");
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:open"));
        assertThat(stream.lines).anyMatch(line -> line.startsWith("data:") && line.contains("\"data\""));

        // An application's own write, straight into ZooKeeper...
        this.curator.create().creatingParentsIfNeeded().forPath("/meshkeeper/data/events-map",
                "{\"kind\":\"map\"}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:data"));
        assertThat(stream.lines).contains("data:{\"topic\":\"data\"}");

        // ...and an operator's write of a map entry through the API, announced again after the first event.
        int seen = stream.count("event:data");
        HttpResponse<String> put = this.http.send(HttpRequest.newBuilder(uri("/api/v1/data/events-map/sku-1"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", basic("olga")).PUT(HttpRequest.BodyPublishers.ofString("{\"available\":3}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count("event:data") > seen);
    }

    @Test
    void idleStreamsGetHeartbeatsAndClosedStreamsAreForgotten() throws Exception {
        EventStream stream = open("vic");
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has(":heartbeat"));
        assertThat(this.events.subscriberCount()).isEqualTo(1);

        stream.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> this.events.subscriberCount() == 0);
    }

    @Test
    void streamsNeedAViewerAndAreBoundedInNumber() throws Exception {
        HttpResponse<String> anonymous = this.http.send(request(null).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        for (int i = 0; i < MAX_STREAMS; i++) {
            EventStream stream = open("vic");
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:open"));
        }
        HttpResponse<String> refused = this.http.send(request("vic").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("meshkeeper.registry.events.max-subscribers");
    }

    @Test
    void loggingOutEndsTheStreamsOfTheSession() throws Exception {
        java.net.CookieManager cookies = new java.net.CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5))
                .build();
        String page = browser.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher field = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"")
                .matcher(page);
        assertThat(field.find()).isTrue();
        browser.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=vic&password=vic-pw&_csrf="
                        + java.net.URLEncoder.encode(field.group(1), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<InputStream> response = browser.send(HttpRequest.newBuilder(uri("/api/v1/events"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        EventStream stream = new EventStream(response.body());
        this.streams.add(stream);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:open"));
        browser.send(HttpRequest.newBuilder(uri("/console/session")).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        String token = cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("XSRF-TOKEN")).reduce((a, b) -> b).orElseThrow().getValue();

        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(uri("/logout")).header("X-XSRF-TOKEN", token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logout.statusCode()).isEqualTo(302);

        await().atMost(Duration.ofSeconds(10)).until(() -> stream.ended);
        await().atMost(Duration.ofSeconds(10)).until(() -> this.events.subscriberCount() == 0);
    }

    @Test
    void anOpenStreamDoesNotHoldUpShutdown(@TempDir Path otherDataDir) throws Exception {
        // command-line arguments: they take precedence over the server's application.properties (port 8181)
        ConfigurableApplicationContext other = new SpringApplicationBuilder(RegistryServerApplication.class).run(
                "--server.port=0", "--meshkeeper.registry.client-port=0",
                "--meshkeeper.registry.bind-address=127.0.0.1", "--meshkeeper.registry.tick-time=200ms",
                "--meshkeeper.registry.data-dir=" + otherDataDir,
                "--meshkeeper.registry.security.users.vic.password=" + TestRegistryProperties.hash("vic-pw"),
                "--meshkeeper.registry.security.users.vic.roles=viewer");
        int otherPort = ((ServletWebServerApplicationContext) other).getWebServer().getPort();
        HttpResponse<InputStream> response = this.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + otherPort + "/api/v1/events")).header("Accept", "text/event-stream")
                .header("Authorization", basic("vic")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        EventStream stream = new EventStream(response.body());
        this.streams.add(stream);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.has("event:open"));

        // the web server's graceful shutdown waits up to 30 s for open requests; the stream is completed first
        assertTimeoutPreemptively(Duration.ofSeconds(20), other::close);
        assertThat(other.isActive()).isFalse();
    }

    private EventStream open(String user) throws Exception {
        HttpResponse<InputStream> response = this.http.send(request(user).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        EventStream stream = new EventStream(response.body());
        this.streams.add(stream);
        return stream;
    }

    private HttpRequest.Builder request(String user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/events"))
                .header("Accept", "text/event-stream").GET();
        return (user != null) ? request.header("Authorization", basic(user)) : request;
    }

    private HttpResponse<String> send(String method, String path, String user, String text) throws Exception {
        return this.http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "text/plain").header("Accept", "application/json")
                .header("Authorization", basic(user)).method(method, HttpRequest.BodyPublishers.ofString(text))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.httpPort + path);
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    }

    /** The lines of one event stream, read on their own thread. */
    private static final class EventStream implements AutoCloseable {

        final List<String> lines = new CopyOnWriteArrayList<>();

        volatile boolean ended;

        private final InputStream body;

        private final Thread reader;

        EventStream(InputStream body) {
            this.body = body;
            this.reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        this.lines.add(line);
                    }
                    this.ended = true;
                }
                catch (Exception ex) {
                    // closed by the test
                }
            }, "event-stream-reader");
            this.reader.setDaemon(true);
            this.reader.start();
        }

        boolean has(String line) {
            return this.lines.contains(line);
        }

        int count(String line) {
            return (int) this.lines.stream().filter(line::equals).count();
        }

        @Override
        public void close() throws Exception {
            this.body.close();
            this.reader.join(10_000);
        }
    }
}
