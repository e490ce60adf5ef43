package dev.meshkeeper.registry.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses every state-changing request (any method but GET, HEAD, OPTIONS, TRACE) that a browser sends on behalf of
 * another site, whatever credentials it carries: its {@code Origin} (or, without one, its {@code Referer}) names
 * another origin than this server's, or {@code Sec-Fetch-Site} says it is not same-origin. Clients that are not
 * browsers (curl, scripts) send none of these headers and are unaffected. Origins listed in
 * {@code meshkeeper.registry.security.allowed-origins} count as this server's (a reverse proxy's public address).
 * Runs before authentication, so a forged request never costs a password check.
 */
final class CrossSiteRequestFilter extends OncePerRequestFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final List<String> allowedOrigins;

    private final ProblemResponses problems;

    CrossSiteRequestFilter(List<String> allowedOrigins, ProblemResponses problems) {
        this.allowedOrigins = allowedOrigins.stream().map(CrossSiteRequestFilter::normalize).toList();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String refusal = SAFE_METHODS.contains(request.getMethod()) ? null : crossSite(request);
        if (refusal != null) {
            this.problems.write(request, response, HttpStatus.FORBIDDEN, "Cross-site request refused: " + refusal
                    + "; a state-changing request must come from this server's own pages or from a client that is "
                    + "not a browser (add a reverse proxy's public origin to meshkeeper.registry.security.allowed-origins)");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Why the request comes from another site, or {@code null} when it does not. */
    String crossSite(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            return "Sec-Fetch-Site is '" + fetchSite + "'";
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return isOwn(request, normalize(origin)) ? null : "Origin '" + origin + "' is another site";
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return isOwn(request, normalize(referer)) ? null : "Referer '" + referer + "' is another site";
        }
        return null;
    }

    private boolean isOwn(HttpServletRequest request, String origin) {
        return origin != null && (origin.equals(ownOrigin(request)) || this.allowedOrigins.contains(origin));
    }

    private static String ownOrigin(HttpServletRequest request) {
        return normalize(request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort());
    }

    /** {@code scheme://host[:port]} in lower case without a default port, or {@code null} ("null", unparsable). */
    static String normalize(String originOrUrl) {
        try {
            URI uri = URI.create(originOrUrl.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
