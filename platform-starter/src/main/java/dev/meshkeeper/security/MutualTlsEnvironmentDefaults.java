package dev.meshkeeper.security;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When {@code meshkeeper.security.mtls.bundle} names a bundle, the web server uses it and requires a client
 * certificate: {@code server.ssl.bundle=<bundle>} and {@code server.ssl.client-auth=need}, added with the lowest
 * precedence so explicit settings win.
 */
class MutualTlsEnvironmentDefaults implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE_NAME = "meshkeeperMutualTlsDefaults";

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String bundle = environment.getProperty("meshkeeper.security.mtls.bundle");
        if (bundle == null || bundle.isBlank() || !environment.getProperty("meshkeeper.enabled", Boolean.class, true)
                || !environment.getProperty("meshkeeper.security.mtls.enabled", Boolean.class, true)) {
            return;
        }
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("server.ssl.bundle", bundle.trim());
        defaults.put("server.ssl.client-auth", "need");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
