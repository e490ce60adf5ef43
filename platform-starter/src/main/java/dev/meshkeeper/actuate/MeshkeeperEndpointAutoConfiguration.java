package dev.meshkeeper.actuate;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code meshkeeper} actuator endpoint, when Spring Boot Actuator is present. Expose it like any endpoint:
 * {@code management.endpoints.web.exposure.include=health,meshkeeper}.
 */
@AutoConfiguration
@ConditionalOnClass(org.springframework.boot.actuate.endpoint.annotation.Endpoint.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnAvailableEndpoint(MeshkeeperEndpoint.class)
public class MeshkeeperEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MeshkeeperEndpoint meshkeeperEndpoint(ObjectProvider<MeshkeeperEndpointContributor> contributors) {
        return new MeshkeeperEndpoint(contributors.orderedStream().toList());
    }
}
