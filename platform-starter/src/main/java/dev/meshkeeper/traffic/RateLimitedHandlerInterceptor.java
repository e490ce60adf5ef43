package dev.meshkeeper.traffic;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/** Enforces {@link RateLimited} on Spring MVC handler methods (or their controller). */
class RateLimitedHandlerInterceptor implements HandlerInterceptor {

    private final ClusterRateLimits rateLimits;

    RateLimitedHandlerInterceptor(ClusterRateLimits rateLimits) {
        this.rateLimits = rateLimits;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        RateLimited annotation = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RateLimited.class);
        if (annotation == null) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RateLimited.class);
        }
        if (annotation == null) {
            return true;
        }
        ClusterRateLimits.Admission admission = this.rateLimits.tryAcquire(annotation.value());
        if (admission.admitted()) {
            return true;
        }
        RateLimitFilter.reject(response, annotation.value(), admission.retryAfter(), request.getRequestURI());
        return false;
    }
}
