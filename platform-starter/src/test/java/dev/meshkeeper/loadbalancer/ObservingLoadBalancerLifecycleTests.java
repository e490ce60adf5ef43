package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instances;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;

@Timeout(30)
class ObservingLoadBalancerLifecycleTests {

    private final ObservedLoad load = new ObservedLoad(0.3);

    private OutlierEjection ejection;

    private ObservingLoadBalancerLifecycle lifecycle;

    private final List<ServiceInstance> all = instances("observed", 4);

    private final ServiceInstance target = this.all.get(0);

    @BeforeEach
    void setUp() {
        LoadBalancingProperties.OutlierEjection settings = new LoadBalancingProperties.OutlierEjection();
        settings.setConsecutiveFailures(2);
        this.ejection = new OutlierEjection(settings, Clock.systemUTC(), new SimpleMeterRegistry());
        this.ejection.filter("observed", this.all);
        this.lifecycle = new ObservingLoadBalancerLifecycle(this.load, this.ejection);
    }

    @Test
    void countsRequestsInFlightUntilTheyComplete() {
        Request<Object> first = request();
        Request<Object> second = request();
        this.lifecycle.onStartRequest(first, new DefaultResponse(this.target));
        this.lifecycle.onStartRequest(second, new DefaultResponse(this.target));
        assertThat(this.load.find("observed", "observed-1").inFlight()).isEqualTo(2);
        this.lifecycle.onComplete(success(first, HttpStatus.OK));
        assertThat(this.load.find("observed", "observed-1").inFlight()).isEqualTo(1);
        assertThat(this.load.find("observed", "observed-1").ewmaNanos()).isPositive();
    }

    @Test
    void serverErrorResponsesEjectTheInstance() {
        respond(HttpStatus.SERVICE_UNAVAILABLE);
        respond(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(this.ejection.isEjected(this.target)).isTrue();
    }

    @Test
    void failedRequestsEjectTheInstance() {
        for (int i = 0; i < 2; i++) {
            Request<Object> request = request();
            this.lifecycle.onStartRequest(request, new DefaultResponse(this.target));
            this.lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
                    new ConnectException("Connection refused"), request, new DefaultResponse(this.target)));
        }
        assertThat(this.ejection.isEjected(this.target)).isTrue();
        assertThat(this.load.find("observed", "observed-1").inFlight()).isZero();
    }

    @Test
    void clientErrorsAreNotFailuresOfTheInstance() {
        respond(HttpStatus.SERVICE_UNAVAILABLE);
        respond(HttpStatus.NOT_FOUND);
        respond(HttpStatus.BAD_GATEWAY);
        assertThat(this.ejection.isEjected(this.target)).isFalse();
    }

    @Test
    void discardedRequestsAreIgnored() {
        for (int i = 0; i < 3; i++) {
            this.lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.DISCARD, request(),
                    new EmptyResponse()));
        }
        assertThat(this.load.find("observed", "observed-1")).isNull();
        assertThat(this.ejection.ejectedInstances("observed")).isEmpty();
    }

    private void respond(HttpStatus status) {
        Request<Object> request = request();
        this.lifecycle.onStartRequest(request, new DefaultResponse(this.target));
        this.lifecycle.onComplete(success(request, status));
    }

    private CompletionContext<Object, ServiceInstance, Object> success(Request<Object> request, HttpStatus status) {
        ResponseData data = new ResponseData(status, new HttpHeaders(), new LinkedMultiValueMap<>(), null);
        return new CompletionContext<>(CompletionContext.Status.SUCCESS, request, new DefaultResponse(this.target),
                data);
    }

    private static Request<Object> request() {
        return new DefaultRequest<>(new RequestDataContext());
    }

}
