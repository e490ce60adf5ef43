package dev.meshkeeper.config;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code config} section of the {@code meshkeeper} endpoint: watched contexts and current rejections. */
class ConfigEndpointContributor implements MeshkeeperEndpointContributor {

    private final LiveConfigRefresher refresher;

    ConfigEndpointContributor(LiveConfigRefresher refresher) {
        this.refresher = refresher;
    }

    @Override
    public String name() {
        return "config";
    }

    @Override
    public Object describe() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("running", this.refresher.isRunning());
        config.put("contexts", this.refresher.describeContexts());
        config.put("rejections", this.refresher.describeRejections());
        return config;
    }
}
