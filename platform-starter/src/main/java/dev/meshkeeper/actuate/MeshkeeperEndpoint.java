package dev.meshkeeper.actuate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code meshkeeper} actuator endpoint: what this instance holds and sees — its ZooKeeper connection,
 * registration, config contexts, lock leases, leadership — one section per feature.
 * {@code /actuator/meshkeeper/{section}} reads one section.
 */
@Endpoint(id = "meshkeeper")
public class MeshkeeperEndpoint {

    private final List<MeshkeeperEndpointContributor> contributors;

    public MeshkeeperEndpoint(List<MeshkeeperEndpointContributor> contributors) {
        this.contributors = contributors;
    }

    @ReadOperation
    public Map<String, Object> meshkeeper() {
        Map<String, Object> sections = new TreeMap<>();
        for (MeshkeeperEndpointContributor contributor : this.contributors) {
            sections.put(contributor.name(), contributor.describe());
        }
        return sections;
    }

    /** One section, or {@code null} (404) when no feature has that name. */
    @ReadOperation
    public Object section(@Selector String name) {
        return this.contributors.stream().filter(contributor -> contributor.name().equals(name)).findFirst()
                .map(MeshkeeperEndpointContributor::describe).orElse(null);
    }
}
