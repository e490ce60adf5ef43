package dev.meshkeeper.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits a request only when the client certificate's {@link CallerIdentity} is on this service's entry of
 * {@code meshkeeper.security.mtls.allowed-callers}; anything else gets {@code 403} problem details. Without an
 * entry for this service every caller the TLS handshake accepted is admitted.
 */
class CallerAllowListFilter extends OncePerRequestFilter implements Ordered {

    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final String service;

    private final Set<String> allowed;

    CallerAllowListFilter(String service, List<String> allowed) {
        this.service = service;
        this.allowed = (allowed == null) ? null
                : allowed.stream().map(String::trim).filter((caller) -> !caller.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (this.allowed == null) {
            chain.doFilter(request, response);
            return;
        }
        String caller = null;
        if (request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certificates
                && certificates.length > 0) {
            caller = CallerIdentity.of(certificates[0]);
        }
        if (caller != null && this.allowed.contains(caller)) {
            chain.doFilter(request, response);
            return;
        }
        String detail = (caller != null)
                ? "Caller '" + caller + "' is not in meshkeeper.security.mtls.allowed-callers." + this.service
                : "The client certificate names no service; present a certificate with a URI SAN "
                        + CallerIdentity.SPIFFE_PREFIX + "<service> or a CN";
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"instance\":\""
                + request.getRequestURI().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
}
