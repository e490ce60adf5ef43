package dev.meshkeeper.testapps;

import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** A health contributor of every provider that a test can turn DOWN and UP again. */
public class SwitchableHealth implements HealthIndicator {

    private final AtomicBoolean up = new AtomicBoolean(true);

    public void set(boolean up) {
        this.up.set(up);
    }

    @Override
    public Health health() {
        return this.up.get() ? Health.up().build() : Health.down().build();
    }
}
