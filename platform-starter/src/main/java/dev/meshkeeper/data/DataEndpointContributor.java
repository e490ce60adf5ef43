package dev.meshkeeper.data;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code data} section of the {@code meshkeeper} endpoint: every open name, its size or version, staleness. */
class DataEndpointContributor implements MeshkeeperEndpointContributor {

    private final SharedData data;

    DataEndpointContributor(SharedData data) {
        this.data = data;
    }

    @Override
    public String name() {
        return "data";
    }

    @Override
    public Object describe() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("root", this.data.root());
        section.putAll(this.data.counts());
        section.put("names", this.data.describe());
        return section;
    }
}
