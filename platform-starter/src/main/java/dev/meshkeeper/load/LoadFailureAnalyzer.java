package dev.meshkeeper.load;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid {@code meshkeeper.load.*} property into "Description / Action" naming the property. */
class LoadFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLoadPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidLoadPropertyException cause) {
        return new FailureAnalysis(cause.getMessage() + ".",
                cause.getAction() + " (in application.properties, an environment variable or a --"
                        + cause.getProperty() + "=... argument)",
                cause);
    }
}
