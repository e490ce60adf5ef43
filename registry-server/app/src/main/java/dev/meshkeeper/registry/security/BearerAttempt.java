package dev.meshkeeper.registry.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** A bearer token presented to the API, as its authentication events name it; the token itself is never kept. */
final class BearerAttempt extends AbstractAuthenticationToken {

    static final String NAME = "bearer token";

    BearerAttempt(HttpServletRequest request) {
        super(List.of());
        setDetails(new WebAuthenticationDetails(request));
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return NAME;
    }
}
