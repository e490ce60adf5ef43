package dev.meshkeeper.registry.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real ZooKeeper server in this JVM: on 127.0.0.1, a random free port, a
 * temporary data dir, with a short tick time (200 ms) so that sessions, containers and elections move quickly.
 * <ul>
 * <li>A {@link RegistryHandle} parameter (constructor, lifecycle or test method) gives the server's connect string
 * and the failure controls: stop, restart, cut a client's connection, expire a client's session.</li>
 * <li>For {@code @SpringBootTest} (any Spring test context), {@code spring.cloud.zookeeper.connect-string} is set
 * to the server and the handle is a bean.</li>
 * </ul>
 * By default every test class shares one server per JVM (use unique znode names per test); a class that stops or
 * restarts the server asks for a {@link #dedicated()} one, which is closed after the class. With a Spring context,
 * declare {@code @EmbeddedRegistry} before {@code @SpringBootTest} is not required: the server outlives the
 * class's context either way.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedRegistryExtension.class)
public @interface EmbeddedRegistry {

    /**
     * Whether this class gets a server of its own (needed to stop or restart it) instead of the JVM's shared one.
     */
    boolean dedicated() default false;
}
