package dev.meshkeeper.placement;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid {@code meshkeeper.placement.groups.*} value into "Description / Action" naming the key. */
class PlacementFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
        if (!cause.getName().startsWith("meshkeeper.placement.")) {
            return null;
        }
        return new FailureAnalysis("Work placement cannot start: " + cause.getName() + " is '" + cause.getValue()
                + "'.", "Fix the value: " + cause.getReason() + ".", cause);
    }
}
