package dev.meshkeeper.loadbalancer;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Gives every {@code @LoadBalanced WebClient.Builder} bean a first filter, ahead of the balancing one, that adds the
 * {@link PinnedVersion} of the request being served to the outgoing call (unless the call sets its own): the version
 * held for the subscribing thread (a servlet request), else the one in the Reactor context
 * ({@link PinnedVersionWebFilter}, a reactive request).
 */
class PinnedVersionExchangeFilter implements BeanPostProcessor, BeanFactoryAware, ExchangeFilterFunction {

    private ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof WebClient.Builder builder && this.beanFactory != null
                && this.beanFactory.containsBeanDefinition(beanName)
                && this.beanFactory.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
            builder.filters((filters) -> {
                if (!filters.contains(this)) {
                    filters.add(0, this);
                }
            });
        }
        return bean;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        if (request.headers().containsHeader(PinnedVersion.HEADER)) {
            return next.exchange(request);
        }
        String onThread = PinnedVersion.current();
        return Mono.deferContextual((context) -> {
            String pinned = (onThread != null) ? onThread : context.getOrDefault(PinnedVersion.CONTEXT_KEY, null);
            if (pinned == null) {
                return next.exchange(request);
            }
            return next.exchange(ClientRequest.from(request).header(PinnedVersion.HEADER, pinned).build());
        });
    }
}
