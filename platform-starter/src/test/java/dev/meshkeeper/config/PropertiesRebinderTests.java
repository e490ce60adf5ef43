package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.MapPropertySource;

@Timeout(30)
class PropertiesRebinderTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
                    ConfigurationPropertiesRebinderAutoConfiguration.class))
            .withUserConfiguration(App.class);

    @Test
    void onlyTheBeanWhosePrefixCoversAnAppliedKeyIsReboundAndTheKeysArePublished() {
        this.contextRunner.run((context) -> {
            OrdersTestProperties orders = context.getBean(OrdersTestProperties.class);
            InventoryTestProperties inventory = context.getBean(InventoryTestProperties.class);
            int ordersBinds = orders.binds();
            int inventoryBinds = inventory.binds();
            context.getEnvironment().getPropertySources()
                    .addFirst(new MapPropertySource("zk", Map.of("orders.max-quantity", "42")));
            Object source = new Object();

            new PropertiesRebinder(context, PropertiesTarget.findAll(context), source, true)
                    .applied(Set.of("orders.max-quantity"));

            assertThat(orders.getMaxQuantity()).isEqualTo(42);
            assertThat(orders.binds()).isEqualTo(ordersBinds + 1);
            assertThat(inventory.binds()).isEqualTo(inventoryBinds);
            assertThat(context.getBean(App.class).changes).singleElement().satisfies((event) -> {
                assertThat(event.getSource()).isSameAs(source);
                assertThat(event.getKeys()).containsExactly("orders.max-quantity");
            });
        });
    }

    @Test
    void refreshScopeBeansAreRefreshedOnlyWhenAskedTo() {
        this.contextRunner.run((context) -> {
            Greeting greeting = context.getBean(Greeting.class);
            greeting.text();
            int created = Greeting.created.get();
            List<PropertiesTarget> targets = PropertiesTarget.findAll(context);

            new PropertiesRebinder(context, targets, this, false).applied(Set.of("greeting.text"));
            greeting.text();
            assertThat(Greeting.created).hasValue(created);

            new PropertiesRebinder(context, targets, this, true).applied(Set.of("greeting.text"));
            greeting.text();
            assertThat(Greeting.created).hasValue(created + 1);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ OrdersTestProperties.class, InventoryTestProperties.class })
    static class App {

        final List<EnvironmentChangeEvent> changes = new CopyOnWriteArrayList<>();

        @EventListener
        void on(EnvironmentChangeEvent event) {
            this.changes.add(event);
        }

        @Bean
        @RefreshScope
        Greeting greeting(@Value("${greeting.text:hello}") String text) {
            return new Greeting(text);
        }
    }

    static class Greeting {

        static final AtomicInteger created = new AtomicInteger();

        private final String text;

        Greeting(String text) {
            this.text = text;
            created.incrementAndGet();
        }

        String text() {
            return this.text;
        }
    }
}
