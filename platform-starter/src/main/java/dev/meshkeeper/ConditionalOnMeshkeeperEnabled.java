package dev.meshkeeper;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;

/**
 * Matches unless {@code meshkeeper.enabled=false}, the switch that turns the whole starter off. Every Meshkeeper
 * auto-configuration carries it, next to its own {@code meshkeeper.<feature>.enabled}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnBooleanProperty(name = "meshkeeper.enabled", matchIfMissing = true)
public @interface ConditionalOnMeshkeeperEnabled {

}
