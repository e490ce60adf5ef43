package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.actuate.MeshkeeperEndpoint;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Work groups in full applications: events, per-item workers, meters and the endpoint section. */
@EmbeddedRegistry
@Timeout(120)
class WorkPlacementApplicationTests {

    final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @AfterEach
    void close() {
        this.apps.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void twoInstancesShareTheGroupAndTheSurvivorTakesOverWhenOneStops(RegistryHandle registry) {
        ConfigurableApplicationContext first = start(registry, "worker-1");
        ConfigurableApplicationContext second = start(registry, "worker-2");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (ConfigurableApplicationContext app : List.of(first, second)) {
                assertThat(assignment(app).items()).hasSize(3);
                Member member = app.getBean(Member.class);
                assertThat(member.assigned.size() - member.revoked.size()).isEqualTo(3);
            }
        });
        for (ConfigurableApplicationContext app : List.of(first, second)) {
            Assignment assignment = assignment(app);
            assertThat(app.getBean(Member.class).running.keySet()).isEqualTo(assignment.items());
            assertThat(app.getBean(Member.class).running).isEqualTo(assignment.tokens());
            assertThat(app.getBean(MeterRegistry.class).get("meshkeeper.placement.items.owned").tag("group", "jobs")
                    .gauge().value()).isEqualTo(3);
            @SuppressWarnings("unchecked")
            Map<String, Object> section = (Map<String, Object>) ((Map<String, Object>) app
                    .getBean(MeshkeeperEndpoint.class).section("placement")).get("jobs");
            assertThat(section).containsEntry("owned", assignment.items())
                    .containsEntry("generation", assignment.generation()).containsEntry("member", assignment.member());
        }
        Set<String> firstItems = assignment(first).items();
        Member stopped = first.getBean(Member.class);
        stopped.revoked.clear();

        first.close();
        this.apps.remove(first);
        assertThat(stopped.running).isEmpty();
        assertThat(stopped.revoked).containsExactlyInAnyOrderElementsOf(firstItems);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(assignment(second).items()).hasSize(6);
            assertThat(second.getBean(Member.class).assigned).containsAll(firstItems);
        });
    }

    private ConfigurableApplicationContext start(RegistryHandle registry, String id) {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Member.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=placement-app", "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                        "spring.cloud.zookeeper.discovery.enabled=false",
                        "spring.cloud.zookeeper.discovery.instance-id=" + id,
                        "meshkeeper.placement.groups.jobs.partitions=6",
                        "management.endpoints.web.exposure.include=meshkeeper")
                .run();
        this.apps.add(app);
        return app;
    }

    private static Assignment assignment(ConfigurableApplicationContext app) {
        return app.getBean(WorkPlacement.class).assignment("jobs");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Member {

        final Map<String, Long> running = new ConcurrentHashMap<>();

        final List<String> assigned = new CopyOnWriteArrayList<>();

        final List<String> revoked = new CopyOnWriteArrayList<>();

        @Bean
        Object worker(WorkPlacement placement) {
            placement.forEachItem("jobs", (item, token) -> {
                this.running.put(item, token);
                return () -> this.running.remove(item);
            });
            return "worker";
        }

        @EventListener
        void on(WorkAssignedEvent event) {
            this.assigned.add(event.getItem());
        }

        @EventListener
        void on(WorkRevokedEvent event) {
            this.revoked.add(event.getItem());
        }
    }
}
