package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServerException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a registry server that cannot start into "Description / Action" naming the property to change.
 */
class RegistryServerFailureAnalyzer extends AbstractFailureAnalyzer<RegistryServerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RegistryServerException cause) {
        String setting = cause.getSetting();
        StringBuilder description = new StringBuilder("The registry server could not start");
        if (setting != null) {
            description.append(" because of meshkeeper.registry.").append(setting);
            if (cause.getValue() != null) {
                description.append("=").append(cause.getValue());
            }
        }
        description.append(":\n\n    ").append(cause.getMessage());
        String action = (setting != null)
                ? "Change meshkeeper.registry." + setting + " (in application.properties, an environment variable or "
                        + "a --meshkeeper.registry." + setting + "=... argument) as the description says."
                : "Check the ZooKeeper settings under meshkeeper.registry and the log above.";
        return new FailureAnalysis(description.toString(), action, cause);
    }
}
