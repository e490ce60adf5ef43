package dev.meshkeeper.registry.security;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Feeds Spring Security's authentication events (login form, HTTP Basic, bearer tokens) into the
 * {@link AuthenticationThrottle}, and logs one WARN each time a user name or a client address is throttled.
 */
final class AuthenticationOutcomes {

    private static final Logger logger = LoggerFactory.getLogger(AuthenticationOutcomes.class);

    private final AuthenticationThrottle throttle;

    AuthenticationOutcomes(AuthenticationThrottle throttle) {
        this.throttle = throttle;
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        String user = user(event.getAuthentication());
        String address = clientAddress(event.getAuthentication());
        this.throttle.failed(user, address).ifPresent(backOff -> logger.warn("Authentication throttled for {} after "
                + "repeated failures (user '{}', client address {}): further attempts get 429 (meshkeeper.registry."
                + "security.throttle.*)", format(backOff), (user != null) ? user : "bearer token", address));
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        this.throttle.succeeded(user(event.getAuthentication()), clientAddress(event.getAuthentication()));
    }

    /** The user name an authentication claims; {@code null} for a bearer token. */
    static String user(Authentication authentication) {
        if (authentication == null || authentication instanceof BearerAttempt) {
            return null;
        }
        return authentication.getName();
    }

    /** The client address: from the attempt's web details, else from the current request. */
    static String clientAddress(Authentication authentication) {
        if (authentication != null && authentication.getDetails() instanceof WebAuthenticationDetails details) {
            return details.getRemoteAddress();
        }
        HttpServletRequest request = currentRequest();
        return (request != null) ? request.getRemoteAddr() : null;
    }

    static HttpServletRequest currentRequest() {
        return (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)
                ? attributes.getRequest() : null;
    }

    private static String format(Duration duration) {
        return (duration.toSeconds() % 60 == 0) ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }
}
