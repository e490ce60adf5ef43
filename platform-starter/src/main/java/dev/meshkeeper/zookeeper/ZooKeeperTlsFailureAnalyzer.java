package dev.meshkeeper.zookeeper;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns an unusable {@code meshkeeper.zookeeper.tls.*} setting into "Description / Action" naming the property.
 * Ordered first: the setting fails while Spring Cloud Zookeeper loads configuration, which reports any failure as a
 * missing config resource and would hide the property at fault.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ZooKeeperTlsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
        String name = cause.getName();
        if (!name.startsWith(ZooKeeperTlsCustomizer.PREFIX) && !name.startsWith("spring.ssl.bundle.jks.")) {
            return null;
        }
        return new FailureAnalysis("The TLS connection to ZooKeeper cannot be set up because of " + name + " ('"
                + cause.getValue() + "'): " + cause.getReason() + ".",
                "Change " + name + " as described, or set " + ZooKeeperTlsCustomizer.PREFIX
                        + ".enabled=false to connect without TLS.",
                cause);
    }
}
