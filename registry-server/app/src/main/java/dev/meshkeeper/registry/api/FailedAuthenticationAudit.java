package dev.meshkeeper.registry.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records every failed authentication attempt (login form, HTTP Basic, bearer token) in the {@link AuditLog}: the
 * user name it claimed, the request, status 401 and the client address. The password is never recorded.
 */
final class FailedAuthenticationAudit {

    private final AuditLog audit;

    FailedAuthenticationAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        HttpServletRequest request = (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes
                attributes) ? attributes.getRequest() : null;
        String address = (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details)
                ? details.getRemoteAddress() : (request != null) ? request.getRemoteAddr() : "unknown";
        String path = (request != null) ? request.getRequestURI().substring(request.getContextPath().length()) : "";
        this.audit.record(event.getAuthentication().getName(), (request != null) ? request.getMethod() : "",
                path, 401, "authentication failed from " + address + " ("
                        + event.getException().getClass().getSimpleName() + ")");
    }
}
