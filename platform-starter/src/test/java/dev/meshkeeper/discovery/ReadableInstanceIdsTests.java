package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class ReadableInstanceIdsTests {

    private final ReadableInstanceIds postProcessor = new ReadableInstanceIds();

    private String idFor(MockEnvironment environment) {
        this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(ReadableInstanceIds.INSTANCE_ID);
    }

    @Test
    void nameHostAndPortWhenThePortIsKnown() {
        assertThat(idFor(new MockEnvironment().withProperty("spring.application.name", "inventory-service")
                .withProperty("spring.cloud.zookeeper.discovery.instance-host", "127.0.0.1")
                .withProperty("server.port", "8081"))).isEqualTo("inventory-service-127.0.0.1-8081");
    }

    @Test
    void nameAndAShortRandomSuffixWhenThePortIsRandom() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "orders")
                .withProperty("server.port", "0");
        String first = idFor(environment);
        assertThat(first).matches("orders-[0-9a-f]{8}");
        assertThat(idFor(new MockEnvironment().withProperty("spring.application.name", "orders")))
                .matches("orders-[0-9a-f]{8}").isNotEqualTo(first);
    }

    @Test
    void anExplicitInstanceIdWins() {
        assertThat(idFor(new MockEnvironment().withProperty("spring.application.name", "a")
                .withProperty("server.port", "8081").withProperty(ReadableInstanceIds.INSTANCE_ID, "mine")))
                .isEqualTo("mine");
    }

    @Test
    void canBeSwitchedOff() {
        assertThat(idFor(new MockEnvironment().withProperty("meshkeeper.discovery.readable-instance-id", "false")
                .withProperty("server.port", "8081"))).isNull();
        assertThat(idFor(new MockEnvironment().withProperty("meshkeeper.enabled", "false")
                .withProperty("server.port", "8081"))).isNull();
    }

    @Test
    void ipv6HostsBecomeAValidZnodeName() {
        assertThat(idFor(new MockEnvironment().withProperty("spring.application.name", "a")
                .withProperty("spring.cloud.zookeeper.discovery.instance-host", "fe80::1%eth0")
                .withProperty("server.port", "80"))).isEqualTo("a-fe80--1-eth0-80");
    }
}
