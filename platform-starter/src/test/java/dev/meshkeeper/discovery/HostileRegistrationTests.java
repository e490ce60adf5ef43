package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.meshkeeper.discovery.ZookeeperInstanceSerializerTests.SideEffectPayload;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registrations written by someone hostile under the services root: whatever class a payload names, every reader in
 * the application (the DiscoveryClient and balancer over the watched cache, Spring Cloud Zookeeper's
 * ServiceDiscovery) reads it as a ZookeeperInstance or skips it, and instantiates nothing else.
 */
@EmbeddedRegistry
@Timeout(120)
class HostileRegistrationTests {

    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
            org.springframework.cloud.commons.util.UtilAutoConfiguration.class,
            org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration.class,
            dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration.class,
            org.springframework.cloud.zookeeper.support.CuratorServiceDiscoveryAutoConfiguration.class,
            org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistryAutoConfiguration.class,
            org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClientConfiguration.class,
            org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryAutoConfiguration.class,
            InstanceSerializerAutoConfiguration.class, DiscoveryAutoConfiguration.class);

    private ApplicationContextRunner contextRunner;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp(RegistryHandle registry) {
        SideEffectPayload.constructed.set(0);
        this.contextRunner = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS).withPropertyValues(
                "spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "spring.application.name=consumer", "spring.cloud.zookeeper.discovery.register=false",
                "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1");
        this.logs.start();
        ((Logger) LoggerFactory.getLogger(WatchedInstances.class)).addAppender(this.logs);
    }

    @AfterEach
    void detach() {
        ((Logger) LoggerFactory.getLogger(WatchedInstances.class)).detachAppender(this.logs);
    }

    @Test
    void everyReaderOfRegistrationsUsesTheTypeSafeSerializer() {
        this.contextRunner.run(context -> {
            assertThat(context).getBeans(InstanceSerializer.class).hasSize(1).allSatisfy(
                    (name, serializer) -> assertThat(serializer).isInstanceOf(ZookeeperInstanceSerializer.class));
            assertThat(context.getBean(ServiceDiscovery.class)).extracting("serializer")
                    .isInstanceOf(ZookeeperInstanceSerializer.class);
        });
    }

    @Test
    void applicationsOwnSerializerIsKept() {
        this.contextRunner.withUserConfiguration(OwnSerializer.class).run(context -> assertThat(context)
                .getBean(InstanceSerializer.class).isSameAs(context.getBean(OwnSerializer.class).serializer));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSerializer {

        final InstanceSerializer<ZookeeperInstance> serializer = new ZookeeperInstanceSerializer();

        @Bean
        InstanceSerializer<ZookeeperInstance> ownSerializer() {
            return this.serializer;
        }
    }

    @Test
    void registrationNamingAnotherClassIsReadSafelyAndAMalformedOneIsSkippedOnce() {
        this.contextRunner.run(context -> {
            CuratorFramework curator = context.getBean(CuratorFramework.class);
            write(curator, "hostile", "{\"@class\":\"" + SideEffectPayload.class.getName()
                    + "\",\"id\":\"hostile\",\"name\":\"victim\",\"metadata\":{\"instance_status\":\"UP\"}}");
            write(curator, "wrapped", "[\"" + SideEffectPayload.class.getName() + "\",{\"id\":\"wrapped\"}]");

            assertThat(context.getBean(DiscoveryClient.class).getInstances("victim")).singleElement()
                    .satisfies(instance -> {
                        assertThat(instance.getInstanceId()).isEqualTo("hostile");
                        assertThat(instance.getMetadata()).containsEntry("instance_status", "UP");
                    });
            @SuppressWarnings("unchecked")
            ServiceDiscovery<ZookeeperInstance> discovery = context.getBean(ServiceDiscovery.class);
            assertThat(discovery.queryForInstance("victim", "hostile").getPayload())
                    .isExactlyInstanceOf(ZookeeperInstance.class);
            // Read again: the broken node is still skipped, and not warned about a second time.
            assertThat(context.getBean(DiscoveryClient.class).getInstances("victim")).hasSize(1);

            assertThat(SideEffectPayload.constructed).hasValue(0);
            assertThat(this.logs.list).filteredOn(event -> event.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(message -> message.contains("/services/victim/wrapped")).singleElement().asString()
                    .contains("payload is a JSON array");
        });
    }

    private static void write(CuratorFramework curator, String id, String payload) throws Exception {
        String registration = "{\"name\":\"victim\",\"id\":\"" + id + "\",\"address\":\"127.0.0.1\",\"port\":9090,"
                + "\"payload\":" + payload + ",\"registrationTimeUTC\":0,\"serviceType\":\"DYNAMIC\",\"uriSpec\":"
                + "{\"parts\":[{\"value\":\"scheme\",\"variable\":true},{\"value\":\"://\",\"variable\":false},"
                + "{\"value\":\"address\",\"variable\":true},{\"value\":\":\",\"variable\":false},"
                + "{\"value\":\"port\",\"variable\":true}]}}";
        curator.create().creatingParentsIfNeeded().forPath("/services/victim/" + id,
                registration.getBytes(StandardCharsets.UTF_8));
    }
}
