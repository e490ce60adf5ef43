package dev.meshkeeper.registry.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

@SpringJUnitConfig(SpringContextRegistryTest.Config.class)
@EmbeddedRegistry
@Timeout(60)
class SpringContextRegistryTest {

    @Value("${spring.cloud.zookeeper.connect-string}")
    String connectString;

    @Autowired
    RegistryHandle handle;

    @Test
    void contextPointsAtTheRegistryAndHasTheHandle(RegistryHandle parameter) {
        assertThat(this.connectString).isEqualTo(parameter.connectString());
        assertThat(this.handle).isSameAs(parameter);
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

    }
}
