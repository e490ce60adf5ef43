package dev.meshkeeper.load;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Adds {@value LoadFigure#HEADER} to every response of a reactive application: the load when the response is
 * committed, this exchange included. Set at commit, so that in a gateway the header is the gateway's own load and
 * not the one of the provider whose response it relays.
 */
class LoadHeaderWebFilter implements WebFilter, Ordered {

    private final LoadMeter meter;

    LoadHeaderWebFilter(LoadMeter meter) {
        this.meter = meter;
    }

    @Override
    public int getOrder() {
        // Right after the filter that counts exchanges in flight.
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(LoadFigure.HEADER, LoadFigure.format(this.meter.current()));
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
