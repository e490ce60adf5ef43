package dev.meshkeeper.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

@EmbeddedRegistry
@Timeout(60)
class DataAutoConfigurationTests {

    record Quota(int requestsPerSecond) {
    }

    ApplicationContextRunner runner;

    @BeforeEach
    void runner(RegistryHandle registry) {
        this.runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionAutoConfiguration.class,
                        DataAutoConfiguration.class))
                .withBean(CuratorFramework.class, () -> {
                    CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(),
                            new RetryOneTime(100));
                    curator.start();
                    // as Spring Cloud Zookeeper does: the bean is handed out once connected
                    try {
                        curator.blockUntilConnected(20, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    return curator;
                }, definition -> definition.setDestroyMethodName("close"));
    }

    @Test
    void sharedDataUsesTheApplicationsConnectionJacksonAndRootAndPublishesItsChanges() {
        List<SharedDataChangedEvent> events = new CopyOnWriteArrayList<>();
        this.runner.withUserConfiguration(SnakeCaseJson.class)
                .withBean("dataEvents", ApplicationListener.class,
                        () -> (ApplicationListener<SharedDataChangedEvent>) events::add)
                .withPropertyValues("meshkeeper.data.root=/wiring-data")
                .run(context -> {
                    assertThat(context).hasSingleBean(SharedData.class).hasSingleBean(ZooKeeperRequests.class)
                            .hasBean("dataEndpointContributor");
                    SharedData data = context.getBean(SharedData.class);
                    data.value("quota", Quota.class).set(new Quota(50));
                    byte[] json = context.getBean(CuratorFramework.class).getData().forPath("/wiring-data/quota");
                    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"requests_per_second\":50}");
                    await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
                    assertThat(events.get(0).getName()).isEqualTo("quota");
                    assertThat(events.get(0).getKind()).isEqualTo("value");
                    assertThat(events.get(0).getNewValue()).isEqualTo(new Quota(50));
                    MeshkeeperEndpointContributor section = context.getBean("dataEndpointContributor",
                            MeshkeeperEndpointContributor.class);
                    assertThat(section.name()).isEqualTo("data");
                    assertThat(section.describe()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                            .containsEntry("root", "/wiring-data")
                            .extractingByKey("names").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                            .containsKey("quota");
                });
    }

    @Test
    void withoutAJacksonBeanADefaultMapperIsUsed() {
        this.runner.run(context -> {
            context.getBean(SharedData.class).value("wiring-default", Quota.class).set(new Quota(7));
            byte[] json = context.getBean(CuratorFramework.class).getData().forPath("/meshkeeper/data/wiring-default");
            assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"requestsPerSecond\":7}");
        });
    }

    @Test
    void backsOffForAUserBean() {
        this.runner.withUserConfiguration(UserData.class).run(context -> assertThat(context)
                .getBean(SharedData.class).isSameAs(context.getBean(UserData.class).data));
    }

    @Test
    void disabledByItsOwnPropertyOrTheGlobalSwitch() {
        this.runner.withPropertyValues("meshkeeper.data.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(SharedData.class).doesNotHaveBean("dataEndpointContributor"));
        this.runner.withPropertyValues("meshkeeper.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(SharedData.class));
    }

    @Test
    void anIllegalRootFailsStartUpNamingTheProperty() {
        this.runner.withPropertyValues("meshkeeper.data.root=data").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("meshkeeper.data.root 'data'"));
    }

    @Configuration(proxyBeanMethods = false)
    static class SnakeCaseJson {

        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserData {

        SharedData data;

        @Bean
        SharedData sharedData(ZooKeeperRequests requests) {
            this.data = new SharedData(requests, new DataProperties());
            return this.data;
        }
    }

}
