package dev.meshkeeper.registry.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before every authentication filter: a request that presents credentials (the login form, HTTP Basic, a
 * bearer token) for a throttled user name or from a throttled client address is refused with 429 and
 * {@code Retry-After} before any password is checked. Failures and successes are counted by
 * {@link AuthenticationOutcomes} from Spring Security's authentication events.
 */
final class AuthenticationThrottleFilter extends OncePerRequestFilter {

    private final AuthenticationThrottle throttle;

    private final ProblemResponses problems;

    AuthenticationThrottleFilter(AuthenticationThrottle throttle, ProblemResponses problems) {
        this.throttle = throttle;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Attempt attempt = attempt(request);
        if (attempt != null) {
            Optional<Duration> wait = this.throttle.blocked(attempt.user(), request.getRemoteAddr());
            if (wait.isPresent()) {
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                response.setHeader("Retry-After", String.valueOf(seconds));
                if (attempt.form() && ProblemResponses.isBrowser(request)) {
                    // the console's login form: a page a person can read, not a problem document
                    response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                    response.setContentType("text/html;charset=UTF-8");
                    response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                            + "<title>Too many attempts · Meshkeeper registry</title>"
                            + "<link rel=\"stylesheet\" href=\"/console/assets/app.css\"></head>"
                            + "<body class=\"login-page\"><div class=\"login panel\"><h1>Too many attempts</h1>"
                            + "<p>Too many failed sign-ins for this user or from this address. Try again in "
                            + seconds + " s.</p><p><a href=\"/login\">Back to sign in</a></p></div></body></html>");
                    return;
                }
                this.problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many failed "
                        + "authentication attempts for this user or from this address; try again in " + seconds
                        + " s (meshkeeper.registry.security.throttle.*)");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The authentication a request attempts, or {@code null} when it presents no credentials. */
    static Attempt attempt(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                            StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    return new Attempt((colon >= 0) ? decoded.substring(0, colon) : decoded, false);
                }
                catch (IllegalArgumentException ex) {
                    return new Attempt(null, false);
                }
            }
            return new Attempt(null, false);
        }
        if ("POST".equals(request.getMethod())
                && (request.getContextPath() + "/login").equals(request.getRequestURI())) {
            return new Attempt(request.getParameter("username"), true);
        }
        return null;
    }

    /**
     * An authentication attempt: the user name it claims ({@code null} for a bearer token) and whether it comes
     * from the login form.
     */
    record Attempt(String user, boolean form) {
    }
}
