package dev.meshkeeper.loadbalancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/** Fixed instances for balancing tests: {@code <service>-<n>} on 127.0.0.1, port 9000 + n. */
final class TestInstances {

    private TestInstances() {
    }

    static ServiceInstance instance(String serviceId, int n, String... metadata) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < metadata.length; i += 2) {
            map.put(metadata[i], metadata[i + 1]);
        }
        return new DefaultServiceInstance(serviceId + "-" + n, serviceId, "127.0.0.1", 9000 + n, false, map);
    }

    static List<ServiceInstance> instances(String serviceId, int count) {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            instances.add(instance(serviceId, n));
        }
        return instances;
    }
}
