package dev.meshkeeper.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.validation.annotation.Validated;

/**
 * A {@code @ConfigurationProperties} bean as the live refresh sees it: the keys it covers (its prefix) and how to bind
 * a fresh instance of it.
 * @param beanName the bean's name
 * @param annotation its {@code @ConfigurationProperties}
 * @param bindable a target for a fresh instance (never the live bean)
 * @param validated whether it is {@code @Validated}
 * @param prefix its prefix; empty covers every key
 */
record PropertiesTarget(String beanName, ConfigurationProperties annotation, Bindable<?> bindable,
        boolean validated, ConfigurationPropertyName prefix) {

    PropertiesTarget(String beanName, ConfigurationProperties annotation, Bindable<?> bindable, boolean validated) {
        this(beanName, annotation, bindable, validated, ConfigurationPropertyName
                .of(annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix()));
    }

    /** Every {@code @ConfigurationProperties} bean of {@code context}, in the order Spring Boot lists them. */
    static List<PropertiesTarget> findAll(ApplicationContext context) {
        List<PropertiesTarget> found = new ArrayList<>();
        ConfigurationPropertiesBean.getAll(context).forEach((name, bean) -> {
            Bindable<?> live = bean.asBindTarget();
            Bindable<?> fresh = Bindable.of(live.getType()).withAnnotations(live.getAnnotations())
                    .withBindMethod(live.getBindMethod());
            boolean validated = live.getAnnotation(Validated.class) != null;
            found.add(new PropertiesTarget(name, bean.getAnnotation(), fresh, validated));
        });
        return List.copyOf(found);
    }

    /** Whether {@code key} (in any relaxed spelling) is under this bean's prefix. */
    boolean covers(String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
        return this.prefix.isEmpty() || this.prefix.equals(name) || this.prefix.isAncestorOf(name);
    }
}
