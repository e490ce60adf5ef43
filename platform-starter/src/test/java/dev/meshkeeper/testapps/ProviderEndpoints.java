package dev.meshkeeper.testapps;

import dev.meshkeeper.loadbalancer.PinnedVersion;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * What every provider answers, shaped by two properties: {@code testapp.delay-ms} (latency added to {@code /who}
 * and {@code /work}, default 0; switchable with {@link #delayMillis(long)}) and {@code testapp.failing} ({@code /who} and {@code /orders} answer 503 while
 * failing, default false; switchable with {@link #failing(boolean)}).
 * <ul>
 * <li>{@code GET /who}, {@code POST /orders}: the provider's port (or 503), counted; a {@code GET /who} that carries
 * the {@link PinnedVersion#HEADER} header is counted as pinned too</li>
 * <li>{@code GET /health-probe}: what a health check reads, the port (or 503)</li>
 * <li>{@code GET /work}: the provider's port after the delay</li>
 * <li>{@code GET /fail}: always 500</li>
 * <li>{@code GET /version}: the {@code meshkeeper.discovery.version} the provider registered with</li>
 * </ul>
 */
@RestController
public class ProviderEndpoints {

    private final AtomicBoolean failing;

    private final AtomicInteger gets = new AtomicInteger();

    private final AtomicInteger pinnedGets = new AtomicInteger();

    private final AtomicInteger posts = new AtomicInteger();

    private final AtomicLong delayMillis;

    private final Environment environment;

    ProviderEndpoints(Environment environment) {
        this.environment = environment;
        this.failing = new AtomicBoolean(environment.getProperty("testapp.failing", Boolean.class, false));
        this.delayMillis = new AtomicLong(environment.getProperty("testapp.delay-ms", Long.class, 0L));
    }

    /** Makes {@code /who} and {@code /orders} answer 503 ({@code true}) or normally again. */
    public void failing(boolean failing) {
        this.failing.set(failing);
    }

    /** Sets the latency added to {@code /who} and {@code /work}; 0 makes the provider fast again. */
    public void delayMillis(long delayMillis) {
        this.delayMillis.set(delayMillis);
    }

    /** {@code GET /who} requests answered so far (503s included). */
    public int gets() {
        return this.gets.get();
    }

    /** {@code GET /who} requests that arrived with a pinned version ({@link PinnedVersion#HEADER}). */
    public int pinnedGets() {
        return this.pinnedGets.get();
    }

    /** {@code POST /orders} requests answered so far (503s included). */
    public int posts() {
        return this.posts.get();
    }

    @GetMapping("/who")
    ResponseEntity<String> who(@RequestHeader(name = PinnedVersion.HEADER, required = false) String pinned) {
        this.gets.incrementAndGet();
        if (pinned != null) {
            this.pinnedGets.incrementAndGet();
        }
        delay();
        return answer();
    }

    @GetMapping("/health-probe")
    ResponseEntity<String> healthProbe() {
        return answer();
    }

    @PostMapping("/orders")
    ResponseEntity<String> order() {
        this.posts.incrementAndGet();
        return answer();
    }

    @GetMapping("/work")
    String work() {
        // Blocking on purpose, also in a reactive provider: the delay stands for real work.
        delay();
        return port();
    }

    @GetMapping("/fail")
    ResponseEntity<String> fail() {
        return ResponseEntity.internalServerError().body("failed");
    }

    @GetMapping("/version")
    String version() {
        return this.environment.getProperty("meshkeeper.discovery.version");
    }

    private void delay() {
        long delay = this.delayMillis.get();
        if (delay > 0) {
            // A slow instance: the pause is the latency consumers measure, not a wait for anything.
            DeliberatePause.take(Duration.ofMillis(delay));
        }
    }

    private ResponseEntity<String> answer() {
        if (this.failing.get()) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("unavailable");
        }
        return ResponseEntity.ok(port());
    }

    private String port() {
        return this.environment.getProperty("local.server.port");
    }
}
