package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/** Binding candidates before anything is applied; no ZooKeeper needed (the sources are never read from it). */
@Timeout(30)
class ChangeValidatorTests {

    // Never started: the property source and the cache only name their client.
    private final CuratorFramework unstarted = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));

    private final StandardEnvironment environment = new StandardEnvironment();

    private final WatchedContext context = new WatchedContext(new LiveZookeeperPropertySource("/config/app",
            "/config/app", this.unstarted, Map.of("orders.max-quantity", "20")), this.unstarted);

    private final LocalValidatorFactoryBean beanValidation = new LocalValidatorFactoryBean();

    ChangeValidatorTests() {
        this.environment.getPropertySources().addFirst(this.context.source());
        this.environment.getPropertySources().addLast(new MapPropertySource("application.properties",
                Map.of("orders.max-quantity", "3", "inventory.warehouse", "main")));
        this.beanValidation.afterPropertiesSet();
    }

    @AfterEach
    void close() {
        this.beanValidation.close();
    }

    @Test
    void valueTheBeanAcceptsIsNotRefused() {
        assertThat(validator().refused(List.of(change("orders.max-quantity", "50")))).isEmpty();
    }

    @Test
    void constraintViolationIsRefusedNamingTheFieldAndTheBean() {
        ConfigChange tooMany = change("orders.max-quantity", "1000001");

        assertThat(validator().refused(List.of(tooMany))).containsOnlyKeys(tooMany).extractingByKey(tooMany)
                .satisfies((refusal) -> {
                    assertThat(refusal.beanName()).isEqualTo("orders");
                    assertThat(refusal.reason()).contains("maxQuantity");
                });
    }

    @Test
    void unconvertibleValueIsRefusedEvenWithoutBeanValidation() {
        ConfigChange lots = change("orders.max-quantity", "lots");

        ChangeValidator typesOnly = new ChangeValidator(this.environment, List.of(orders()),
                ApplicationConversionService.getSharedInstance(), null);

        assertThat(typesOnly.refused(List.of(lots))).extractingByKey(lots)
                .satisfies((refusal) -> assertThat(refusal.reason()).startsWith("cannot bind orders"));
        assertThat(typesOnly.refused(List.of(change("orders.max-quantity", "1000001")))).isEmpty();
    }

    @Test
    void aRefusalCoversEveryChangeTheBeanHoldsButNotKeysNoBeanCovers() {
        ConfigChange bad = change("orders.max-quantity", "0");
        ConfigChange flag = change("orders.express-shipping", "true");
        ConfigChange unrelated = change("greeting.text", "hello");

        assertThat(validator().refused(List.of(bad, flag, unrelated))).containsOnlyKeys(bad, flag);
    }

    @Test
    void theEnvironmentAndTheSourceAreNotTouched() {
        validator().refused(List.of(change("orders.max-quantity", "0")));
        validator().refused(List.of(change("orders.max-quantity", "50")));

        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo("20");
        assertThat(this.context.source().values()).containsExactly(Map.entry("orders.max-quantity", "20"));
    }

    @Test
    void deletingAKeyLetsTheNextSourceDecide() {
        this.environment.getPropertySources().replace("application.properties", new MapPropertySource(
                "application.properties", Map.of("orders.max-quantity", "0")));

        ConfigChange deleted = new ConfigChange(this.context, "orders.max-quantity", "20", null);

        assertThat(validator().refused(List.of(deleted))).containsOnlyKeys(deleted);
    }

    private ChangeValidator validator() {
        return new ChangeValidator(this.environment, List.of(orders()),
                ApplicationConversionService.getSharedInstance(), this.beanValidation);
    }

    private static PropertiesTarget orders() {
        return new PropertiesTarget("orders", OrdersTestProperties.class.getAnnotation(ConfigurationProperties.class),
                Bindable.of(OrdersTestProperties.class), true);
    }

    private ConfigChange change(String key, String value) {
        return new ConfigChange(this.context, key, this.context.source().values().get(key), value);
    }
}
