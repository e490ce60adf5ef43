package dev.meshkeeper.zookeeper;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns unusable {@code meshkeeper.zookeeper.auth.*} settings into "Description / Action". Ordered first: when the
 * settings fail the client that loads {@code spring.config.import=zookeeper:}, Spring Cloud Zookeeper reports the
 * import as a resource that "does not exist", which would hide the real reason.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ZooKeeperAuthenticationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
        if (!cause.getName().startsWith(ZooKeeperAuthenticationProperties.PREFIX + ".")) {
            return null;
        }
        return new FailureAnalysis("The ZooKeeper credentials are unusable: " + cause.getReason() + ".",
                "Set both " + ZooKeeperAuthenticationProperties.PREFIX + ".username and "
                        + ZooKeeperAuthenticationProperties.PREFIX + ".password (the service name and its ZooKeeper "
                        + "digest password), or neither to connect without authentication.",
                cause);
    }
}
