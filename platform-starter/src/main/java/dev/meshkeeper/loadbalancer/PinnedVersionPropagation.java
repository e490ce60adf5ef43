package dev.meshkeeper.loadbalancer;

import java.io.IOException;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Gives every {@code @LoadBalanced RestClient.Builder} and {@code @LoadBalanced RestTemplate} bean an interceptor,
 * ahead of the balancing one, that adds the {@link PinnedVersion} of the request being served (if any, and if the
 * call has none of its own) to the outgoing call, so that a pinned request stays pinned through the chain of
 * services. Clients that are not {@code @LoadBalanced} are left alone.
 */
class PinnedVersionPropagation implements BeanPostProcessor, BeanFactoryAware, ClientHttpRequestInterceptor {

    private ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof RestClient.Builder builder && isLoadBalanced(beanName)) {
            builder.requestInterceptors((interceptors) -> {
                if (!interceptors.contains(this)) {
                    interceptors.add(0, this);
                }
            });
        }
        else if (bean instanceof RestTemplate template && isLoadBalanced(beanName)
                && !template.getInterceptors().contains(this)) {
            // Spring Cloud appends its balancing interceptor once every singleton exists: this one stays ahead.
            template.getInterceptors().add(0, this);
        }
        return bean;
    }

    private boolean isLoadBalanced(String beanName) {
        return this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
                && this.beanFactory.findAnnotationOnBean(beanName, LoadBalanced.class) != null;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        String pinned = PinnedVersion.current();
        if (pinned != null && !request.getHeaders().containsHeader(PinnedVersion.HEADER)) {
            request.getHeaders().set(PinnedVersion.HEADER, pinned);
        }
        return execution.execute(request, body);
    }
}
