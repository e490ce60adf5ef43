package dev.meshkeeper.loadbalancer;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** Holds an incoming request's {@value PinnedVersion#HEADER} in {@link PinnedVersion} while the request is served. */
class PinnedVersionFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String version = request.getHeader(PinnedVersion.HEADER);
        if (version == null || version.isBlank()) {
            chain.doFilter(request, response);
            return;
        }
        String outer = PinnedVersion.current();
        PinnedVersion.set(version);
        try {
            chain.doFilter(request, response);
        }
        finally {
            PinnedVersion.set(outer);
        }
    }
}
