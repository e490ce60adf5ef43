package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

@Timeout(30)
class DiscoveryEnvironmentDefaultsTests {

    private final DiscoveryEnvironmentDefaults defaults = new DiscoveryEnvironmentDefaults();

    @Test
    void springCloudZookeepersLoadBalancerSupplierStepsAsideAndTheZoneIsTheBalancersZone() {
        MockEnvironment environment = new MockEnvironment().withProperty("meshkeeper.discovery.zone", "zone-a");
        this.defaults.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("spring.cloud.zookeeper.loadbalancer.enabled")).isEqualTo("false");
        assertThat(environment.getProperty("spring.cloud.loadbalancer.zone")).isEqualTo("zone-a");
    }

    @Test
    void explicitSettingsWin() {
        MockEnvironment environment = new MockEnvironment().withProperty("meshkeeper.discovery.zone", "zone-a")
                .withProperty("spring.cloud.loadbalancer.zone", "zone-x");
        this.defaults.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("spring.cloud.loadbalancer.zone")).isEqualTo("zone-x");
    }

    @Test
    void nothingChangesWhenDiscoveryIsOff() {
        MockEnvironment environment = new MockEnvironment().withProperty("meshkeeper.discovery.enabled", "false")
                .withProperty("meshkeeper.discovery.zone", "zone-a");
        this.defaults.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.containsProperty("spring.cloud.zookeeper.loadbalancer.enabled")).isFalse();
        assertThat(environment.containsProperty("spring.cloud.loadbalancer.zone")).isFalse();
    }
}
