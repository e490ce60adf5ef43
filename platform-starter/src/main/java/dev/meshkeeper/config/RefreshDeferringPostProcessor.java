package dev.meshkeeper.config;

import java.lang.reflect.Method;
import java.util.Set;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.context.refresh.ContextRefresher;

/**
 * Puts {@link RefreshDeferral} in front of the application's {@link ContextRefresher} (Spring Cloud's, or one the
 * user brings), so that every caller — {@code /actuator/refresh}, {@code RefreshEvent}, code calling the bean — gets
 * the same behaviour while ZooKeeper is unreachable.
 */
final class RefreshDeferringPostProcessor implements BeanPostProcessor {

    private final ObjectProvider<RefreshDeferral> deferral;

    RefreshDeferringPostProcessor(ObjectProvider<RefreshDeferral> deferral) {
        this.deferral = deferral;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (!(bean instanceof ContextRefresher)) {
            return bean;
        }
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) (invocation) -> {
            Method method = invocation.getMethod();
            if (method.getParameterCount() == 0 && Set.class.equals(method.getReturnType())
                    && ("refresh".equals(method.getName()) || "refreshEnvironment".equals(method.getName()))) {
                RefreshDeferral current = this.deferral.getIfAvailable();
                if (current != null && current.deferIfDisconnected("refresh".equals(method.getName()))) {
                    return Set.of();
                }
            }
            return invocation.proceed();
        });
        return proxy.getProxy(bean.getClass().getClassLoader());
    }
}
