package dev.meshkeeper.benchmarks.traffic;

import dev.meshkeeper.traffic.ClusterRateLimits;
import dev.meshkeeper.traffic.RateLimitFilter;
import dev.meshkeeper.traffic.TrafficProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Cost per request of the rate-limit filter, against the same request passed straight to the chain (no filter):
 * a request on a path without a limit, one admitted by a limit (rate far above the load) and one rejected (rate 0,
 * the 429 problem details written). Each invocation gets a fresh mock response, in the baseline too.
 * <p>
 * {@code java -jar benchmarks/target/meshkeeper-benchmarks.jar RateLimitFilterBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class RateLimitFilterBenchmark {

    private static final FilterChain chain = (request, response) -> {
    };

    private RateLimitFilter filter;

    private MockHttpServletRequest unlimited;

    private MockHttpServletRequest admitted;

    private MockHttpServletRequest rejected;

    @Setup
    public void setUp() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("limits", Map.of(
                "meshkeeper.traffic.rate-limits.quotes.path", "/quotes/**",
                "meshkeeper.traffic.rate-limits.quotes.rate", "1000000000",
                "meshkeeper.traffic.rate-limits.closed.path", "/closed/**",
                "meshkeeper.traffic.rate-limits.closed.rate", "0")));
        TrafficProperties properties = Binder.get(environment)
                .bind("meshkeeper.traffic", Bindable.of(TrafficProperties.class)).get();
        ClusterRateLimits limits = new ClusterRateLimits(properties, environment, "bench", () -> null, null,
                new SimpleMeterRegistry());
        this.filter = new RateLimitFilter(limits);
        this.unlimited = new MockHttpServletRequest("GET", "/other/7");
        this.admitted = new MockHttpServletRequest("GET", "/quotes/7");
        this.rejected = new MockHttpServletRequest("GET", "/closed/7");
    }

    @Benchmark
    public MockHttpServletResponse baselineNoFilter() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        chain.doFilter(this.admitted, response);
        return response;
    }

    @Benchmark
    public MockHttpServletResponse filterPathWithoutLimit() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        this.filter.doFilter(this.unlimited, response, chain);
        return response;
    }

    @Benchmark
    public MockHttpServletResponse filterAdmitted() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        this.filter.doFilter(this.admitted, response, chain);
        return response;
    }

    @Benchmark
    public MockHttpServletResponse filterRejected() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        this.filter.doFilter(this.rejected, response, chain);
        return response;
    }
}
