package dev.meshkeeper.lock;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/** Applies {@link DistributedLock} to bean methods. */
final class DistributedLockInterceptor implements MethodInterceptor {

    private static final Logger logger = LoggerFactory.getLogger(DistributedLockInterceptor.class);

    private final DistributedLocks locks;

    private final LockProperties properties;

    private final SpelExpressionParser parser = new SpelExpressionParser();

    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

    private final Map<Method, Plan> plans = new ConcurrentHashMap<>();

    /** The lease held for the annotated method running on this thread (innermost when calls nest). */
    private static final ThreadLocal<LockLease> CURRENT = new ThreadLocal<>();

    static Optional<LockLease> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    DistributedLockInterceptor(DistributedLocks locks, LockProperties properties) {
        this.locks = locks;
        this.properties = properties;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
                : invocation.getMethod().getDeclaringClass();
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
        Plan plan = this.plans.computeIfAbsent(method, this::plan);
        if (plan == null) {
            return invocation.proceed();
        }
        String name = plan.lockName(method, invocation.getArguments(), this.parameterNames);
        ClusterLock lock = this.locks.mutex(name, plan.meterName());
        Acquisition acquisition = Acquisition.of(lock, plan.waitFor());
        Optional<LockLease> lease = acquisition.asOptional();
        if (lease.isEmpty()) {
            if (plan.annotation().onTimeout() == DistributedLock.OnTimeout.SKIP) {
                if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
                    throw new LockNotAcquiredException(name, plan.waitFor(), acquisition.reason());
                }
                logger.debug("Skipped {}: lock '{}' not acquired within {}", method, name, plan.waitFor());
                return null;
            }
            throw new LockNotAcquiredException(name, plan.waitFor(), acquisition.reason());
        }
        LockLease outer = CURRENT.get();
        try (LockLease held = lease.get()) {
            CURRENT.set(held);
            return invocation.proceed();
        }
        finally {
            if (outer != null) {
                CURRENT.set(outer);
            }
            else {
                CURRENT.remove();
            }
        }
    }

    private Plan plan(Method method) {
        DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
        if (annotation == null) {
            return null;
        }
        Duration wait;
        try {
            wait = annotation.waitFor().isBlank() ? this.properties.getDefaultWait()
                    : DurationStyle.detectAndParse(annotation.waitFor());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException("@DistributedLock(waitFor = \"" + annotation.waitFor() + "\") on "
                    + method + " is not a duration; write e.g. \"5s\", \"500ms\" or \"PT1M\"", ex);
        }
        String key = annotation.key();
        Expression expression;
        try {
            expression = key.isBlank() ? null : this.parser.parseExpression(key);
        }
        catch (RuntimeException ex) {
            throw new IllegalStateException("@DistributedLock(key = \"" + key + "\") on " + method
                    + " is not a valid SpEL expression: " + ex.getMessage(), ex);
        }
        String fixedName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        String meterName = !annotation.meterName().isBlank() ? annotation.meterName()
                : key.isBlank() ? fixedName : key;
        return new Plan(annotation, expression, fixedName, meterName, wait);
    }

    /**
     * @param fixedName the lock name when the annotation has no key
     * @param meterName the {@code lock} tag of the lock meters: never an evaluated key
     */
    private record Plan(DistributedLock annotation, Expression expression, String fixedName, String meterName,
            Duration waitFor) {

        String lockName(Method method, Object[] arguments, ParameterNameDiscoverer parameterNames) {
            if (this.expression == null) {
                return this.fixedName;
            }
            Object value;
            try {
                value = this.expression
                        .getValue(new MethodBasedEvaluationContext(null, method, arguments, parameterNames));
            }
            catch (RuntimeException ex) {
                throw new IllegalStateException("@DistributedLock(key = \"" + this.annotation.key() + "\") on "
                        + method + " did not evaluate: " + ex.getMessage()
                        + "; refer to arguments as #name (compile with -parameters) or #p0, #p1", ex);
            }
            if (value == null) {
                throw new IllegalStateException("@DistributedLock(key = \"" + this.annotation.key() + "\") on "
                        + method + " evaluated to null; the key must yield a lock name");
            }
            return value.toString();
        }
    }
}
