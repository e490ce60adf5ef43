package dev.meshkeeper.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits a request only when its client certificate's {@link CallerIdentity} is admitted by this service's
 * {@link CallerAllowList}; anything else gets {@code 403} problem details.
 */
class CallerAllowListFilter extends OncePerRequestFilter implements Ordered {

    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final CallerAllowList allowList;

    CallerAllowListFilter(CallerAllowList allowList) {
        this.allowList = allowList;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String refusal = this.allowList.refusal(caller(request));
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        forbid(request, response, refusal);
    }

    /** The identity of the request's client certificate, {@code null} without one or when it names none. */
    static String caller(HttpServletRequest request) {
        if (request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certificates && certificates.length > 0) {
            return CallerIdentity.of(certificates[0]);
        }
        return null;
    }

    /** Answers {@code 403} problem details whose detail says why the caller was refused. */
    static void forbid(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"instance\":\""
                + request.getRequestURI().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
}
