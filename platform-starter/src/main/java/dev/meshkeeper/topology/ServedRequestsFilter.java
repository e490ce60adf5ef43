package dev.meshkeeper.topology;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;

/**
 * Times every request a servlet application serves, for the served figures of its topology node: a request
 * fails when it throws or answers 5xx. Asynchronous requests count when their first dispatch returns.
 */
class ServedRequestsFilter implements Filter, Ordered {

    private final ObservedCalls calls;

    ServedRequestsFilter(ObservedCalls calls) {
        this.calls = calls;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = response instanceof HttpServletResponse http && http.getStatus() >= 500;
        }
        finally {
            this.calls.served(System.nanoTime() - start, failed);
        }
    }
}
