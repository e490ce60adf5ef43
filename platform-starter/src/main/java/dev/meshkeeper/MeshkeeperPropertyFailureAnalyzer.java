package dev.meshkeeper;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns an {@link InvalidMeshkeeperPropertyException} into "Description / Action": the property, the value, what is
 * wrong and what to write instead. Ordered first so that it speaks before Spring Boot's generic analysis of the
 * binding failure that carries the exception.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class MeshkeeperPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidMeshkeeperPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidMeshkeeperPropertyException cause) {
        String remedy = cause.getRemedy().endsWith(".")
                ? cause.getRemedy().substring(0, cause.getRemedy().length() - 1) : cause.getRemedy();
        return new FailureAnalysis(cause.getMessage() + ".", remedy + " (in application.properties, an environment "
                + "variable or a --" + cause.getProperty() + "=... argument).", cause);
    }
}
