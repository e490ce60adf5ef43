package dev.meshkeeper.traffic;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces the rate limits declared with a {@code path} (and optionally {@code methods}): a request matching a
 * limit whose local share is used up gets {@code 429 Too Many Requests} as {@code application/problem+json} with
 * {@code Retry-After} (whole seconds), and does not reach the application.
 * <p>
 * Paths are matched as Spring MVC routes them, not as they were typed: each segment percent-decoded and without its
 * {@code ;} parameters, empty and {@code .} segments dropped and {@code ..} applied, relative to the context path.
 * {@code /%69nventory/1}, {@code /inventory;v=1/1}, {@code //inventory/1} and {@code /x/../inventory/1} are all
 * {@code /inventory/1} to a limit on {@code /inventory/**}.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final ClusterRateLimits rateLimits;

    private final AntPathMatcher matcher = new AntPathMatcher();

    public RateLimitFilter(ClusterRateLimits rateLimits) {
        this.rateLimits = rateLimits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = routedPath(request);
        for (ClusterRateLimits.Limit limit : this.rateLimits.pathLimits()) {
            ClusterRateLimits.Definition definition = limit.definition();
            if (definition.matchesMethod(request.getMethod()) && this.matcher.match(definition.path(), path)) {
                ClusterRateLimits.Admission admission = this.rateLimits.tryAcquire(definition.name());
                if (!admission.admitted()) {
                    reject(response, definition.name(), admission.retryAfter(), request.getRequestURI());
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * The request's path within the application, decoded and normalised; a URI that cannot be decoded (the servlet
     * container normally refuses it first) is matched as the container passed it on.
     */
    static String routedPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        RequestPath parsed;
        try {
            parsed = RequestPath.parse(uri, contextPath);
        }
        catch (IllegalArgumentException ex) {
            return uri.substring(Math.min(contextPath.length(), uri.length()));
        }
        Deque<String> segments = new ArrayDeque<>();
        for (PathContainer.Element element : parsed.pathWithinApplication().elements()) {
            if (element instanceof PathContainer.PathSegment segment) {
                String value = segment.valueToMatch();
                if (value.equals("..")) {
                    segments.pollLast();
                }
                else if (!value.isEmpty() && !value.equals(".")) {
                    segments.addLast(value);
                }
            }
        }
        String path = "/" + String.join("/", segments);
        boolean trailingSlash = uri.endsWith("/") && !segments.isEmpty();
        return trailingSlash ? path + "/" : path;
    }

    /** Writes the 429 problem details of a request over the named limit. */
    static void reject(HttpServletResponse response, String limit, Duration retryAfter, String instance)
            throws IOException {
        long seconds = Math.max(1, (retryAfter.toNanos() + 999_999_999L) / 1_000_000_000L);
        response.setStatus(429);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String body = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
                + "\"detail\":\"Rate limit '" + json(limit) + "' of this service is exhausted; retry after "
                + seconds + " s\",\"instance\":\"" + json(instance) + "\",\"limit\":\"" + json(limit) + "\"}";
        response.getWriter().write(body);
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            }
            else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
