package dev.meshkeeper.loadbalancer;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Holds a reactive request's {@value PinnedVersion#HEADER} in the Reactor context of its handling, where
 * {@link PinnedVersionExchangeFilter} finds it for the {@code @LoadBalanced WebClient} calls the handler makes.
 */
class PinnedVersionWebFilter implements WebFilter, Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String version = exchange.getRequest().getHeaders().getFirst(PinnedVersion.HEADER);
        if (version == null || version.isBlank()) {
            return chain.filter(exchange);
        }
        String pinned = version.trim();
        return chain.filter(exchange).contextWrite((context) -> context.put(PinnedVersion.CONTEXT_KEY, pinned));
    }
}
