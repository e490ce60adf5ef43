package dev.meshkeeper;

import java.time.Duration;
import org.apache.curator.utils.PathUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * A Meshkeeper {@code @ConfigurationProperties} class that checks its own values. Meshkeeper does not use Bean
 * Validation for its own properties: the starter does not bring a Bean Validation provider, and without one Spring
 * Boot skips {@code @Validated} constraints silently, so a wrong value would pass. A properties class that is a
 * Spring {@link Validator} is validated by Spring Boot itself whenever it is bound, provider or not; this interface
 * makes every Meshkeeper properties class one, with a single method to implement.
 * <p>
 * {@link #validate()} runs after binding, at start-up and, for a live change from ZooKeeper, on a fresh candidate
 * instance before the change is applied (so a rejected change never reaches the live bean).
 */
public interface ValidatedProperties extends Validator {

    /**
     * Checks the bound values.
     * @throws InvalidMeshkeeperPropertyException naming the first property whose value cannot work
     */
    void validate();

    @Override
    default boolean supports(Class<?> type) {
        return getClass().equals(type);
    }

    @Override
    default void validate(Object target, Errors errors) {
        ((ValidatedProperties) target).validate();
    }

    /**
     * Checks that a duration is set and not negative.
     * @throws InvalidMeshkeeperPropertyException naming the property, with {@code example} in the remedy
     */
    static void requireNotNegative(String property, Duration value, String example) {
        if (value == null || value.isNegative()) {
            throw new InvalidMeshkeeperPropertyException(property, value, "is not zero or a positive duration",
                    "Set " + property + " to a duration such as " + example + ".");
        }
    }

    /**
     * Checks that a value is an absolute ZooKeeper path.
     * @throws InvalidMeshkeeperPropertyException naming the property, with {@code example} in the remedy
     */
    static void requireZnodePath(String property, String value, String example) {
        try {
            PathUtils.validatePath(value);
        }
        catch (IllegalArgumentException | NullPointerException ex) {
            throw new InvalidMeshkeeperPropertyException(property, value, "is not a znode path (" + ex.getMessage()
                    + ")", "Set " + property + " to an absolute path such as " + example + ".");
        }
    }
}
