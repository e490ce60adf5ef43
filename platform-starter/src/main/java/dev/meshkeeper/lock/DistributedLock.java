package dev.meshkeeper.lock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated bean method under a cluster-wide mutex ({@link DistributedLocks#mutex(String)}), also when
 * the method is {@code @Scheduled}. Applied by a Spring AOP advisor (proxy-based: calls from within the same bean
 * are not intercepted); no AspectJ weaving is needed.
 * <pre>
 * &#64;DistributedLock(key = "'stock-' + #sku", waitFor = "2s")
 * public Reservation reserve(String sku, int quantity) { ... }
 * </pre>
 * The lease is released when the method returns or throws. Inside the method, {@link LockLease#current()} is
 * the lease, e.g. to pass its fencing token on.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DistributedLock {

    /**
     * The lock name: a SpEL expression over the method's arguments ({@code #sku}, {@code #p0}), e.g.
     * {@code "'stock-' + #sku"}. Empty means {@code ClassName.methodName}. It must yield a non-empty value without
     * {@code /}.
     */
    String key() default "";

    /**
     * The {@code lock} tag of the lock meters ({@code meshkeeper.lock.acquire}, {@code .held}, {@code .lost}): a
     * bounded name for the locks of this method. Empty means the {@link #key()} expression as written (not its
     * value), or {@code ClassName.methodName} when there is no key; an evaluated key never becomes a tag.
     */
    String meterName() default "";

    /**
     * How long to wait for the lock, as a duration ({@code "5s"}, {@code "500ms"}, {@code "PT1M"}). Empty means
     * {@code meshkeeper.lock.default-wait}.
     */
    String waitFor() default "";

    /** What to do when the lock is not granted within the wait. */
    OnTimeout onTimeout() default OnTimeout.FAIL;

    enum OnTimeout {

        /** Throw {@link LockNotAcquiredException}. */
        FAIL,

        /**
         * Do not run the method; it returns {@code null} (for {@code void} methods, typically scheduled jobs;
         * methods returning a primitive fail instead).
         */
        SKIP
    }
}
