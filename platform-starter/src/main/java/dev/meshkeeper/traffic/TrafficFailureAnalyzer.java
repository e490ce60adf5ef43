package dev.meshkeeper.traffic;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid {@code meshkeeper.traffic.*} value found at start-up into "Description / Action". */
class TrafficFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRateLimitException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRateLimitException cause) {
        String message = cause.getMessage();
        int remedy = message.indexOf("; ");
        return new FailureAnalysis(message.substring(0, remedy) + ".",
                "Set " + cause.getProperty() + " correctly: " + message.substring(remedy + 2) + ".", cause);
    }
}
