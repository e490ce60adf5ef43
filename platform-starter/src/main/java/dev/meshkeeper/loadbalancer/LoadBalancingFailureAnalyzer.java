package dev.meshkeeper.loadbalancer;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid {@code meshkeeper.loadbalancer.*} property into "Description / Action" naming the property. */
class LoadBalancingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLoadBalancingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidLoadBalancingPropertyException cause) {
        return new FailureAnalysis(cause.getMessage() + ".",
                cause.getAction() + " (in application.properties, an environment variable or a --"
                        + cause.getProperty() + "=... argument)",
                cause);
    }
}
