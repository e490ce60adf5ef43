package dev.meshkeeper.discovery;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;

/** Counts a servlet application's requests in progress into {@link InFlightRequests}. Runs first in the chain. */
class InFlightRequestsFilter implements Filter, Ordered {

    private final InFlightRequests inFlight;

    InFlightRequestsFilter(InFlightRequests inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        this.inFlight.begin();
        try {
            chain.doFilter(request, response);
        }
        finally {
            this.inFlight.end();
        }
    }
}
