package dev.meshkeeper.security;

import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceInstanceBuilder;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;

/**
 * Spring Cloud Zookeeper's registration of this instance with its port also published as the SSL port, so
 * consumers see {@code isSecure() == true} and an {@code https} URI. Same Curator JSON, same paths.
 */
class SecureServiceInstanceRegistration extends ServiceInstanceRegistration {

    SecureServiceInstanceRegistration(ServiceInstanceBuilder<ZookeeperInstance> builder) {
        super(builder);
    }

    static SecureServiceInstanceRegistration of(ServiceInstanceRegistration original) {
        ServiceInstance<ZookeeperInstance> instance = original.getServiceInstance();
        try {
            ServiceInstanceBuilder<ZookeeperInstance> builder = ServiceInstance.<ZookeeperInstance>builder()
                    .name(instance.getName()).id(instance.getId()).address(instance.getAddress())
                    .payload(instance.getPayload()).serviceType(instance.getServiceType())
                    .registrationTimeUTC(instance.getRegistrationTimeUTC()).enabled(instance.isEnabled());
            if (instance.getUriSpec() != null) {
                builder.uriSpec(instance.getUriSpec());
            }
            Integer port = (instance.getSslPort() != null) ? instance.getSslPort() : instance.getPort();
            if (port != null) {
                builder.port(port);
                if (port > 0) {
                    builder.sslPort(port);
                }
            }
            return new SecureServiceInstanceRegistration(builder);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Could not register service '" + instance.getName()
                    + "' as secure for meshkeeper.security.mtls: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void setPort(int port) {
        this.builder.port(port);
        this.builder.sslPort(port);
        build();
    }
}
