package dev.meshkeeper.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.SimpleErrors;
import org.springframework.validation.Validator;

/**
 * Decides, before anything is applied, which changes the application's {@code @ConfigurationProperties} beans accept:
 * every bean whose prefix covers a changed key is bound, with all the changes, into a fresh instance of its class
 * (type conversion always; Bean Validation for {@code @Validated} classes when a validator is given). The live beans
 * and the {@code Environment} are not touched.
 */
final class ChangeValidator {

    /** Why a change was refused, and by which bean. */
    record Refusal(String beanName, String reason) {
    }

    private final ConfigurableEnvironment environment;

    private final List<PropertiesTarget> targets;

    private final ConversionService conversionService;

    private final Validator validator;

    /**
     * @param environment the environment the changes would be applied to
     * @param targets the beans to bind
     * @param conversionService the application's conversion service
     * @param validator the application's validator, or {@code null} for type conversion only
     */
    ChangeValidator(ConfigurableEnvironment environment, List<PropertiesTarget> targets,
            ConversionService conversionService, Validator validator) {
        this.environment = environment;
        this.targets = targets;
        this.conversionService = conversionService;
        this.validator = validator;
    }

    /**
     * The changes a covering bean refuses, in the order of the changes; the first bean that refuses a change gives
     * the reason. Changes no bean covers are accepted.
     */
    Map<ConfigChange, Refusal> refused(List<ConfigChange> changes) {
        Map<ConfigChange, Refusal> refused = new LinkedHashMap<>();
        Binder binder = null;
        for (PropertiesTarget target : this.targets) {
            List<ConfigChange> covered = changes.stream().filter((change) -> target.covers(change.key())).toList();
            if (covered.isEmpty()) {
                continue;
            }
            if (binder == null) {
                binder = new Binder(candidateSources(changes),
                        new PropertySourcesPlaceholdersResolver(this.environment), this.conversionService, null);
            }
            String reason = bindAndValidate(binder, target);
            if (reason != null) {
                for (ConfigChange change : covered) {
                    refused.putIfAbsent(change, new Refusal(target.beanName(), reason));
                }
            }
        }
        return refused;
    }

    /**
     * The environment as it would be with the changes applied: the application's own (cached) configuration property
     * sources, with the source of each changed context replaced by its candidate values.
     */
    private List<ConfigurationPropertySource> candidateSources(List<ConfigChange> changes) {
        Map<PropertySource<?>, Map<String, Object>> candidates = new HashMap<>();
        for (ConfigChange change : changes) {
            LiveZookeeperPropertySource source = change.context().source();
            change.applyTo(candidates.computeIfAbsent(source, (key) -> new LinkedHashMap<>(source.values())));
        }
        List<ConfigurationPropertySource> candidate = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
            Map<String, Object> values = candidates.get(source.getUnderlyingSource());
            candidate.add((values != null) ? ConfigurationPropertySource.from(
                    new MapPropertySource(((PropertySource<?>) source.getUnderlyingSource()).getName(), values))
                    : source);
        }
        return candidate;
    }

    /**
     * A properties class that is itself a Spring {@link Validator} is validated by Spring Boot whenever it is bound;
     * the candidate is validated the same way, so that a change it refuses never reaches the live bean.
     */
    private static String selfValidate(Object candidate) {
        if (candidate instanceof Validator self && self.supports(candidate.getClass())) {
            SimpleErrors errors = new SimpleErrors(candidate);
            self.validate(candidate, errors);
            if (errors.hasErrors()) {
                return errors.getAllErrors().stream().map(ObjectError::getDefaultMessage)
                        .collect(Collectors.joining("; "));
            }
        }
        return null;
    }

    private String bindAndValidate(Binder binder, PropertiesTarget target) {
        BindHandler handler = new IgnoreTopLevelConverterNotFoundBindHandler();
        if (target.annotation().ignoreInvalidFields()) {
            handler = new IgnoreErrorsBindHandler(handler);
        }
        if (target.validated() && this.validator != null) {
            handler = new ValidationBindHandler(handler, this.validator);
        }
        try {
            Object candidate = binder.bindOrCreate(target.prefix(), target.bindable(), handler);
            return selfValidate(candidate);
        }
        catch (BindException ex) {
            return describe(ex);
        }
        catch (RuntimeException ex) {
            return ex.getMessage();
        }
    }

    private static String describe(BindException ex) {
        if (ex.getCause() instanceof BindValidationException invalid) {
            return invalid.getValidationErrors().getAllErrors().stream()
                    .map((error) -> (error instanceof FieldError field)
                            ? field.getField() + " " + field.getDefaultMessage() : error.getDefaultMessage())
                    .collect(Collectors.joining("; "));
        }
        Throwable root = ex;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "cannot bind " + ex.getName() + ": " + root.getMessage();
    }
}
