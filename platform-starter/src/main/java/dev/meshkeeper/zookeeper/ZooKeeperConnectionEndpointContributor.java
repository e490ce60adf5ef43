package dev.meshkeeper.zookeeper;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/** The {@code connection} section of the {@code meshkeeper} endpoint. */
class ZooKeeperConnectionEndpointContributor implements MeshkeeperEndpointContributor {

    private final CuratorFramework curator;

    private final ZooKeeperConnectionMonitor monitor;

    ZooKeeperConnectionEndpointContributor(CuratorFramework curator, ZooKeeperConnectionMonitor monitor) {
        this.curator = curator;
        this.monitor = monitor;
    }

    @Override
    public String name() {
        return "connection";
    }

    @Override
    public Object describe() {
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("state", String.valueOf(this.monitor.currentState()));
        connection.put("connected", this.monitor.isConnected());
        connection.put("connectString", this.curator.getZookeeperClient().getCurrentConnectionString());
        connection.put("suspensions", this.monitor.suspensions());
        connection.put("losses", this.monitor.losses());
        connection.put("reconnects", this.monitor.reconnects());
        return connection;
    }
}
