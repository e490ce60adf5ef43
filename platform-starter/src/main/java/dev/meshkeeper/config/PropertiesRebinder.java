package dev.meshkeeper.config;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationContext;

/**
 * Brings the application up to date after keys were applied to the {@code Environment}: re-binds, through Spring
 * Cloud's {@link ConfigurationPropertiesRebinder}, only the {@code @ConfigurationProperties} beans whose prefix covers
 * an applied key; publishes one {@link EnvironmentChangeEvent} with the applied keys; then, if asked to, refreshes the
 * {@code @RefreshScope} beans. Without Spring Cloud's rebinder (or refresh scope) in the context, that step is left
 * out.
 */
final class PropertiesRebinder {

    private final ApplicationContext applicationContext;

    private final List<PropertiesTarget> targets;

    private final Object eventSource;

    private final boolean refreshScope;

    /**
     * @param applicationContext the application
     * @param targets its {@code @ConfigurationProperties} beans
     * @param eventSource the source of the {@link EnvironmentChangeEvent}: not the application context, whose events
     * Spring Cloud's rebinder answers by re-binding every bean
     * @param refreshScope whether {@code @RefreshScope} beans are refreshed
     */
    PropertiesRebinder(ApplicationContext applicationContext, List<PropertiesTarget> targets, Object eventSource,
            boolean refreshScope) {
        this.applicationContext = applicationContext;
        this.targets = targets;
        this.eventSource = eventSource;
        this.refreshScope = refreshScope;
    }

    /** Re-binds the beans covering {@code keys} and tells the application; {@code keys} is not empty. */
    void applied(Set<String> keys) {
        ConfigurationPropertiesRebinder rebinder = this.applicationContext
                .getBeanProvider(ConfigurationPropertiesRebinder.class).getIfAvailable();
        if (rebinder != null) {
            for (PropertiesTarget target : this.targets) {
                if (keys.stream().anyMatch(target::covers)) {
                    rebinder.rebind(target.beanName());
                }
            }
        }
        this.applicationContext.publishEvent(new EnvironmentChangeEvent(this.eventSource,
                Collections.unmodifiableSet(keys)));
        if (this.refreshScope) {
            this.applicationContext.getBeanProvider(RefreshScope.class).ifAvailable(RefreshScope::refreshAll);
        }
    }
}
