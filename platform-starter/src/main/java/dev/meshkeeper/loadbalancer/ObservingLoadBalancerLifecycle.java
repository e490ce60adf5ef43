package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.load.LoadFigure;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.loadbalancer.TimedRequestContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.util.ClassUtils;

/**
 * Watches every load-balanced call through Spring Cloud LoadBalancer's lifecycle callbacks: counts requests in
 * flight and their latency per instance (for least-loaded) and reports failures and successes to
 * {@link OutlierEjection}. A call fails when it ends with an exception (connection refused, timeout, I/O error) or
 * with a 5xx status. The {@code X-Meshkeeper-Load} header of each response goes to {@link PublishedLoads}.
 */
class ObservingLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

    private static final boolean WEB_PRESENT = ClassUtils.isPresent("org.springframework.http.HttpStatusCode",
            ObservingLoadBalancerLifecycle.class.getClassLoader());

    private final ObservedLoad load;

    private final OutlierEjection outlierEjection;

    private final PublishedLoads published;

    ObservingLoadBalancerLifecycle(ObservedLoad load, OutlierEjection outlierEjection) {
        this(load, outlierEjection, null);
    }

    /** @param published where response headers' loads go, or {@code null} to ignore them */
    ObservingLoadBalancerLifecycle(ObservedLoad load, OutlierEjection outlierEjection, PublishedLoads published) {
        this.load = load;
        this.outlierEjection = outlierEjection;
        this.published = published;
    }

    @Override
    public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
        return ServiceInstance.class.isAssignableFrom(serverTypeClass);
    }

    @Override
    public void onStart(Request<Object> request) {
    }

    @Override
    public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
        ServiceInstance instance = (lbResponse != null) ? lbResponse.getServer() : null;
        if (instance == null) {
            return;
        }
        if (request != null && request.getContext() instanceof TimedRequestContext timed
                && timed.getRequestStartTime() == 0) {
            timed.setRequestStartTime(System.nanoTime());
        }
        this.load.requestStarted(instance);
    }

    @Override
    public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
        if (completion.status() == CompletionContext.Status.DISCARD) {
            return;
        }
        Response<ServiceInstance> lbResponse = completion.getLoadBalancerResponse();
        ServiceInstance instance = (lbResponse != null) ? lbResponse.getServer() : null;
        if (instance == null) {
            return;
        }
        long latency = -1;
        Request<Object> request = completion.getLoadBalancerRequest();
        if (request != null && request.getContext() instanceof TimedRequestContext timed
                && timed.getRequestStartTime() > 0) {
            latency = System.nanoTime() - timed.getRequestStartTime();
        }
        this.load.requestCompleted(instance, latency);
        if (WEB_PRESENT && this.published != null) {
            String header = loadHeader(completion.getClientResponse());
            if (header != null) {
                this.published.headerReceived(instance, header);
            }
        }
        if (failed(completion)) {
            this.outlierEjection.reportFailure(instance);
        }
        else {
            this.outlierEjection.reportSuccess(instance);
        }
    }

    private static boolean failed(CompletionContext<Object, ServiceInstance, Object> completion) {
        if (completion.status() == CompletionContext.Status.FAILED) {
            return true;
        }
        return WEB_PRESENT && isServerError(completion.getClientResponse());
    }

    private static String loadHeader(Object clientResponse) {
        org.springframework.http.HttpHeaders headers = null;
        if (clientResponse instanceof ResponseData data) {
            headers = data.getHeaders();
        }
        else if (clientResponse instanceof org.springframework.http.ResponseEntity<?> entity) {
            headers = entity.getHeaders();
        }
        return (headers != null) ? headers.getFirst(LoadFigure.HEADER) : null;
    }

    private static boolean isServerError(Object clientResponse) {
        HttpStatusCode status = null;
        if (clientResponse instanceof ResponseData data) {
            status = data.getHttpStatus();
        }
        else if (clientResponse instanceof org.springframework.http.ResponseEntity<?> entity) {
            status = entity.getStatusCode();
        }
        return status != null && status.is5xxServerError();
    }
}
