package dev.meshkeeper.testapps;

import java.time.Duration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /whoami}: the provider's instance id, after {@code workMillis} of work. */
@RestController
class WhoAmI {

    private final ZookeeperRegistration registration;

    WhoAmI(ZookeeperRegistration registration) {
        this.registration = registration;
    }

    @GetMapping("/whoami")
    String whoAmI(@RequestParam(defaultValue = "0") long workMillis) {
        if (workMillis > 0) {
            // The request's own work, so that it is in flight while the instance shuts down.
            DeliberatePause.take(Duration.ofMillis(workMillis));
        }
        return this.registration.getServiceInstance().getId();
    }
}
