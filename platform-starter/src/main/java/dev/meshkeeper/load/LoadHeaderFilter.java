package dev.meshkeeper.load;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;

/**
 * Adds {@value LoadFigure#HEADER} to every response of a servlet application: the load when the request arrived,
 * this request included. Set before the request is handled, so it is there however the response is written.
 */
class LoadHeaderFilter implements Filter, Ordered {

    private final LoadMeter meter;

    LoadHeaderFilter(LoadMeter meter) {
        this.meter = meter;
    }

    @Override
    public int getOrder() {
        // Right after the filter that counts requests in flight.
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            http.setHeader(LoadFigure.HEADER, LoadFigure.format(this.meter.current()));
        }
        chain.doFilter(request, response);
    }
}
