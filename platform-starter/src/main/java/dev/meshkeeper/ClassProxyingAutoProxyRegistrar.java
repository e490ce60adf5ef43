package dev.meshkeeper;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes sure an auto-proxy creator exists (Boot's AOP auto-configuration registers one too; this is a no-op then),
 * proxying classes, so that Meshkeeper's annotation advisors ({@code @DistributedLock}, {@code @LeaderOnly}) apply
 * without spring-boot-starter-aop.
 */
public final class ClassProxyingAutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
    }
}
