package dev.meshkeeper.topology;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.loadbalancer.TimedRequestContext;
import org.springframework.http.HttpStatusCode;

/**
 * Counts every load-balanced call per called service through Spring Cloud LoadBalancer's lifecycle callbacks, the
 * same ones the balancer observes for least-loaded choice and outlier ejection: the call's latency from the
 * request context's start time, and whether it failed (an exception, or a 5xx status), as the balancer judges it.
 */
class CallObservingLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

    private final ObservedCalls calls;

    CallObservingLifecycle(ObservedCalls calls) {
        this.calls = calls;
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
        if (request != null && request.getContext() instanceof TimedRequestContext timed
                && timed.getRequestStartTime() == 0) {
            timed.setRequestStartTime(System.nanoTime());
        }
    }

    @Override
    public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
        if (completion.status() == CompletionContext.Status.DISCARD) {
            return;
        }
        Response<ServiceInstance> lbResponse = completion.getLoadBalancerResponse();
        ServiceInstance instance = (lbResponse != null) ? lbResponse.getServer() : null;
        if (instance == null || instance.getServiceId() == null) {
            return;
        }
        long latency = -1;
        Request<Object> request = completion.getLoadBalancerRequest();
        if (request != null && request.getContext() instanceof TimedRequestContext timed
                && timed.getRequestStartTime() > 0) {
            latency = System.nanoTime() - timed.getRequestStartTime();
        }
        boolean failed = completion.status() == CompletionContext.Status.FAILED
                || isServerError(completion.getClientResponse());
        this.calls.called(instance.getServiceId(), latency, failed);
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
