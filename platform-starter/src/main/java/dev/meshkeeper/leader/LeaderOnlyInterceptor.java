package dev.meshkeeper.leader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Applies {@link LeaderOnly}: proceeds on the leader, skips elsewhere. */
final class LeaderOnlyInterceptor implements MethodInterceptor {

    private static final Logger logger = LoggerFactory.getLogger(LeaderOnlyInterceptor.class);

    private final ClusterLeadership leadership;

    private final MeterRegistry meters;

    LeaderOnlyInterceptor(ClusterLeadership leadership, MeterRegistry meters) {
        this.leadership = leadership;
        this.meters = meters;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
                : invocation.getMethod().getDeclaringClass();
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
        LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
        if (annotation == null) {
            return invocation.proceed();
        }
        String group = annotation.value();
        if (!this.leadership.groups().contains(group)) {
            this.leadership.join(group);
        }
        if (this.leadership.isLeader(group)) {
            return invocation.proceed();
        }
        if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
            throw new IllegalStateException("@LeaderOnly(\"" + group + "\") on " + method + " was skipped (not the "
                    + "leader) but returns a primitive; declare it void or return an object");
        }
        logger.debug("Skipped {}: not the leader of group '{}'", method, group);
        Counter.builder("meshkeeper.leader.skipped").description("@LeaderOnly calls skipped on non-leaders")
                .tag("group", group).register(this.meters).increment();
        return null;
    }
}
