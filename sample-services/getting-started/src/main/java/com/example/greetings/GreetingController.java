package com.example.greetings;

import dev.meshkeeper.lock.DistributedLocks;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

@RestController
class GreetingController {

    private final GreetingProperties properties;

    private final RestClient greetings;

    private final DistributedLocks locks;

    private final Environment environment;

    private final AtomicLong counter = new AtomicLong();

    GreetingController(GreetingProperties properties, RestClient.Builder loadBalanced, DistributedLocks locks,
            Environment environment) {
        this.properties = properties;
        this.greetings = loadBalanced.baseUrl("http://greetings").build();
        this.locks = locks;
        this.environment = environment;
    }

    /** Answers with the live salutation and the port of the instance that served it. */
    @GetMapping("/greet/{name}")
    Map<String, String> greet(@PathVariable String name) {
        return Map.of("greeting", this.properties.getSalutation() + ", " + name,
                "servedBy", this.environment.getProperty("local.server.port", "?"));
    }

    /** Calls any instance of this service (possibly itself) through discovery and the load balancer. */
    @GetMapping("/relay/{name}")
    Map<?, ?> relay(@PathVariable String name) {
        return this.greetings.get().uri("/greet/{name}", name).retrieve().body(Map.class);
    }

    /** Does one step under a cluster-wide lock: one instance at a time, with the lease's fencing token. */
    @PostMapping("/tick")
    Map<String, Long> tick() throws Exception {
        return this.locks.mutex("greetings-tick").callWithLock(Duration.ofSeconds(2),
                lease -> Map.of("tick", this.counter.incrementAndGet(), "fencingToken", lease.fencingToken()));
    }

    @Configuration(proxyBeanMethods = false)
    static class Clients {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
