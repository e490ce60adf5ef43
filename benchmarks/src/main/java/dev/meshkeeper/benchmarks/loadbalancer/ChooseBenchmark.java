package dev.meshkeeper.benchmarks.loadbalancer;

import dev.meshkeeper.loadbalancer.LoadBalancingAutoConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import reactor.core.publisher.Mono;

/**
 * Cost of one {@code choose()} per Meshkeeper strategy against Spring Cloud LoadBalancer's own
 * {@link RoundRobinLoadBalancer}, all over the same static {@link ServiceInstanceListSupplier}. Meshkeeper's
 * balancers come out of a real Spring Cloud LoadBalancer child context, so the numbers include outlier-ejection
 * filtering and the choice counter; least-loaded is primed with in-flight requests and latencies through the
 * lifecycle callbacks.
 *
 * <pre>java -jar benchmarks/target/meshkeeper-benchmarks.jar ChooseBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChooseBenchmark {

    /** The static supplier of each benchmark service, shared by the upstream baseline and Meshkeeper. */
    static final Map<String, ServiceInstanceListSupplier> SUPPLIERS = new ConcurrentHashMap<>();

    @Param({ "10", "100", "1000" })
    public int instances;

    @Param({ "upstream-round-robin", "round-robin", "weighted", "least-loaded" })
    public String balancer;

    private AnnotationConfigApplicationContext context;

    private ReactiveLoadBalancer<ServiceInstance> loadBalancer;

    private final Request<RequestDataContext> request = new DefaultRequest<>(new RequestDataContext());

    @Setup(Level.Trial)
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public void setUp() {
        String serviceId = "bench-" + this.balancer + "-" + this.instances;
        List<ServiceInstance> list = new ArrayList<>();
        for (int i = 0; i < this.instances; i++) {
            list.add(new DefaultServiceInstance(serviceId + "-" + i, serviceId, "127.0.0.1", 10_000 + i, false,
                    Map.of("weight", String.valueOf(1 + i % 5), "zone", "zone-" + (i % 3))));
        }
        ServiceInstanceListSupplier supplier = ServiceInstanceListSuppliers.from(serviceId,
                list.toArray(new ServiceInstance[0]));
        SUPPLIERS.put(serviceId, supplier);
        if (this.balancer.equals("upstream-round-robin")) {
            this.loadBalancer = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(supplier), serviceId);
            return;
        }
        this.context = new AnnotationConfigApplicationContext();
        this.context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("benchmark",
                Map.of("meshkeeper.loadbalancer.clients." + serviceId + ".strategy", this.balancer)));
        this.context.register(LoadBalancerAutoConfiguration.class, LoadBalancingAutoConfiguration.class,
                StaticInstancesConfiguration.class);
        this.context.refresh();
        this.loadBalancer = this.context.getBean(LoadBalancerClientFactory.class).getInstance(serviceId);
        // Every instance has served requests (so least-loaded compares real figures) and a few are in flight.
        for (LoadBalancerLifecycle lifecycle : this.context.getBeansOfType(LoadBalancerLifecycle.class).values()) {
            for (int i = 0; i < list.size(); i++) {
                ServiceInstance instance = list.get(i);
                for (int n = 0; n < 3; n++) {
                    RequestDataContext requestContext = new RequestDataContext();
                    Request<RequestDataContext> served = new DefaultRequest<>(requestContext);
                    lifecycle.onStartRequest(served, new DefaultResponse(instance));
                    requestContext.setRequestStartTime(System.nanoTime() - 1_000_000L * (1 + i % 7));
                    lifecycle.onComplete(new CompletionContext(CompletionContext.Status.SUCCESS, served,
                            new DefaultResponse(instance)));
                }
                if (i % 4 == 0) {
                    lifecycle.onStartRequest(new DefaultRequest<>(new RequestDataContext()),
                            new DefaultResponse(instance));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (this.context != null) {
            this.context.close();
        }
        SUPPLIERS.clear();
    }

    @Benchmark
    public ServiceInstance choose() {
        Response<ServiceInstance> response = Mono.from(this.loadBalancer.choose(this.request)).block();
        return response.getServer();
    }

    /** Registers the benchmark's static suppliers in every Spring Cloud LoadBalancer child context. */
    @LoadBalancerClients(defaultConfiguration = StaticInstances.class)
    static class StaticInstancesConfiguration {

    }

    static class StaticInstances {

        @Bean
        ServiceInstanceListSupplier staticInstances(Environment environment) {
            return SUPPLIERS.get(LoadBalancerClientFactory.getName(environment));
        }
    }
}
