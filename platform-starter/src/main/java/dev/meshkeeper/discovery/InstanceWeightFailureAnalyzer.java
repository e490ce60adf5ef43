package dev.meshkeeper.discovery;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start-up refused because this instance's weight is above {@code meshkeeper.loadbalancer.max-weight}. */
class InstanceWeightFailureAnalyzer extends AbstractFailureAnalyzer<InstanceWeightTooHighException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InstanceWeightTooHighException cause) {
        return new FailureAnalysis(cause.getMessage() + ": callers count no instance as heavier than "
                + cause.getMaxWeight() + ", so this instance does not register.",
                "Set " + cause.getProperty() + " to at most " + cause.getMaxWeight() + ", or raise "
                        + InstanceRegistration.MAX_WEIGHT_PROPERTY + " on this instance and on every caller.",
                cause);
    }
}
