package dev.meshkeeper.loadbalancer;

import feign.RequestInterceptor;
import feign.RequestTemplate;

/**
 * Adds the {@link PinnedVersion} of the request being served to every OpenFeign call made on the serving thread,
 * unless the call sets {@value PinnedVersion#HEADER} itself. Spring Cloud OpenFeign applies it to every Feign client
 * of the application (a {@code url}-addressed client passes the header on too; without a load balancer it has no
 * effect on the choice of instance).
 */
class PinnedVersionRequestInterceptor implements RequestInterceptor {

    @Override
    public void apply(RequestTemplate template) {
        String pinned = PinnedVersion.current();
        if (pinned != null && !template.headers().containsKey(PinnedVersion.HEADER)) {
            template.header(PinnedVersion.HEADER, pinned);
        }
    }
}
