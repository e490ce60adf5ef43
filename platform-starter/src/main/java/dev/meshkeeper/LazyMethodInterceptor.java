package dev.meshkeeper;

import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * A method interceptor that creates its delegate on the first call, so that an advisor (a bean created early, with
 * the infrastructure) does not pull the beans its interceptor needs into early creation.
 */
public final class LazyMethodInterceptor implements MethodInterceptor {

    private final Supplier<MethodInterceptor> factory;

    private volatile MethodInterceptor delegate;

    public LazyMethodInterceptor(Supplier<MethodInterceptor> factory) {
        this.factory = factory;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        MethodInterceptor current = this.delegate;
        if (current == null) {
            current = this.factory.get();
            this.delegate = current;
        }
        return current.invoke(invocation);
    }
}
