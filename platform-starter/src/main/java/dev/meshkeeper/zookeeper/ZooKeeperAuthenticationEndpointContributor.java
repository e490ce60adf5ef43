package dev.meshkeeper.zookeeper;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code authentication} section of the {@code meshkeeper} endpoint: the identity, never the password. */
class ZooKeeperAuthenticationEndpointContributor implements MeshkeeperEndpointContributor {

    private final String username;

    ZooKeeperAuthenticationEndpointContributor(String username) {
        this.username = username;
    }

    @Override
    public String name() {
        return "authentication";
    }

    @Override
    public Object describe() {
        Map<String, Object> authentication = new LinkedHashMap<>();
        authentication.put("scheme", ZooKeeperAuthentication.SCHEME);
        authentication.put("username", this.username);
        authentication.put("createdNodesAcl", "creator: all, everyone: read");
        return authentication;
    }
}
