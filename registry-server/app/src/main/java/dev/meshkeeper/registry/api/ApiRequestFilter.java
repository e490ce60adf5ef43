package dev.meshkeeper.registry.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs after authentication on every {@code /api/} request: refuses bodies larger than
 * {@code meshkeeper.registry.api.max-request-size} (413, before anything is changed; a body without
 * {@code Content-Length}, sent in chunks, is read up to the limit first) and records every
 * mutating call (any method but GET, HEAD, OPTIONS) in the {@link AuditLog} once its status is known.
 */
final class ApiRequestFilter extends OncePerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final AuditLog audit;

    private final long maxRequestSize;

    private final JsonMapper json;

    ApiRequestFilter(AuditLog audit, long maxRequestSize, JsonMapper json) {
        this.audit = audit;
        this.maxRequestSize = maxRequestSize;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean mutating = !READS.contains(request.getMethod());
        String path = request.getRequestURI().substring(request.getContextPath().length());
        long declared = request.getContentLengthLong();
        if (declared > this.maxRequestSize) {
            tooLarge(request, response, path, mutating, "the request body has " + declared + " bytes");
            return;
        }
        if (declared < 0 && mutating) {
            // No Content-Length (chunked): read at most one byte more than the limit before anything is changed.
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8,
                    this.maxRequestSize + 1));
            if (body.length > this.maxRequestSize) {
                tooLarge(request, response, path, mutating, "the chunked request body has more than "
                        + this.maxRequestSize + " bytes");
                return;
            }
            request = new BufferedBodyRequest(request, body);
        }
        try {
            chain.doFilter(request, response);
        }
        finally {
            if (mutating && this.audit != null) {
                Object summary = request.getAttribute(AuditLog.SUMMARY);
                this.audit.record(who(request), request.getMethod(), path, response.getStatus(),
                        (summary != null) ? summary.toString() : defaultSummary(request.getMethod(), path));
            }
        }
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response, String path, boolean mutating,
            String what) throws IOException {
        ProblemDetail problem = AdminApiException.problem(HttpStatus.CONTENT_TOO_LARGE, "Payload too large",
                what + "; this server accepts at most " + this.maxRequestSize
                        + " (meshkeeper.registry.api.max-request-size); nothing was changed",
                "body");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(problem.getType()));
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", path);
        body.put("field", "body");
        response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("Connection", "close");
        this.json.writeValue(response.getOutputStream(), body);
        if (mutating && this.audit != null) {
            this.audit.record(who(request), request.getMethod(), path, response.getStatus(),
                    "refused: body too large");
        }
    }

    private static String who(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return (principal != null && principal.getName() != null) ? principal.getName() : "anonymous";
    }

    private static String defaultSummary(String method, String path) {
        String what = path.startsWith("/api/v1/") ? path.substring("/api/v1/".length()) : path;
        return method.toLowerCase() + " " + what;
    }

    /** A request whose body was read already (to check its size), served again from memory. */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(this.body);
            return new ServletInputStream() {

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already in memory");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = (getCharacterEncoding() != null) ? getCharacterEncoding() : "UTF-8";
            return new BufferedReader(new InputStreamReader(getInputStream(), Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return this.body.length;
        }

        @Override
        public long getContentLengthLong() {
            return this.body.length;
        }
    }
}
