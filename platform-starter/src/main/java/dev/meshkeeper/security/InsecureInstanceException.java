package dev.meshkeeper.security;

/**
 * A {@code @LoadBalanced} call refused because mutual TLS is on and the instance the balancer chose registered no
 * SSL port: the call would have gone over plain {@code http}. Nothing was sent to the instance.
 */
public class InsecureInstanceException extends IllegalStateException {

    private final String serviceId;

    private final String instanceId;

    InsecureInstanceException(String serviceId, String instanceId, String endpoint) {
        super("Refused to call instance " + instanceId + " of service '" + serviceId + "' at " + endpoint
                + " over plain http: meshkeeper.security.mtls is on and that instance registered no SSL port. "
                + "Set meshkeeper.security.mtls.bundle on '" + serviceId
                + "' so that it serves and registers https, or take the instance out of service");
        this.serviceId = serviceId;
        this.instanceId = instanceId;
    }

    /** The service called. */
    public String getServiceId() {
        return this.serviceId;
    }

    /** The instance the balancer chose. */
    public String getInstanceId() {
        return this.instanceId;
    }
}
