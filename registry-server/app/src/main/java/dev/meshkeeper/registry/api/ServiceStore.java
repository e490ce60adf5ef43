package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the registrations Spring Cloud Zookeeper writes ({@code /services/{service}/{id}}, Curator
 * {@code ServiceInstance} JSON with a {@code ZookeeperInstance} payload) and changes an instance's
 * {@code instance_status} in place. The server does not share the applications' code: it reads the JSON as a
 * tree and writes back every field it did not change exactly as it found it.
 */
final class ServiceStore {

    static final String STATUS_KEY = "instance_status";

    static final List<String> STATUSES = List.of("UP", "OUT_OF_SERVICE");

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-.:]+");

    private final CuratorFramework curator;

    private final String root;

    private final JsonMapper json;

    ServiceStore(CuratorFramework curator, String root, JsonMapper json) {
        this.curator = curator;
        this.root = root;
        this.json = json;
    }

    /** Every service with at least one registered instance, by name. */
    List<ServiceSummary> services() throws Exception {
        List<ServiceSummary> services = new ArrayList<>();
        for (String name : children(this.root)) {
            List<Instance> instances = instances(name);
            if (!instances.isEmpty()) {
                long up = instances.stream().filter(instance -> "UP".equals(instance.status())).count();
                services.add(new ServiceSummary(name, instances.size(), (int) up));
            }
        }
        return services;
    }

    /** The service's instances; 404 when it has none. */
    List<Instance> service(String service) throws Exception {
        validate("service", service);
        List<Instance> instances = instances(service);
        if (instances.isEmpty()) {
            throw AdminApiException.notFound("service", "service '" + service + "' has no registered instance (no "
                    + "children under " + servicePath(service) + "); list services with GET /api/v1/services");
        }
        return instances;
    }

    /** One instance; 404 when the service or the instance is unknown. */
    Instance instance(String service, String id) throws Exception {
        validate("service", service);
        validate("id", id);
        Read read = read(service, id);
        if (read == null) {
            throw unknownInstance(service, id);
        }
        return read.instance();
    }

    /**
     * Writes {@code status} into the instance's metadata with a compare-and-set on the znode version, retried once
     * if the application changed its registration concurrently; every other field is kept as it was.
     */
    StatusChange setStatus(String service, String id, String status) throws Exception {
        validate("service", service);
        validate("id", id);
        if (status == null || !STATUSES.contains(status)) {
            throw AdminApiException.badRequest("status", "status '" + status + "' is not allowed; use one of "
                    + String.join(", ", STATUSES));
        }
        for (int attempt = 1;; attempt++) {
            Read read = read(service, id);
            if (read == null) {
                throw unknownInstance(service, id);
            }
            JsonNode payload = read.tree().get("payload");
            JsonNode metadata = (payload != null) ? payload.get("metadata") : null;
            if (!(metadata instanceof ObjectNode metadataNode)) {
                throw AdminApiException.conflict("registration " + instancePath(service, id) + " has no "
                        + "payload.metadata object (not written by Spring Cloud Zookeeper); its status cannot be set");
            }
            String before = read.instance().status();
            metadataNode.put(STATUS_KEY, status);
            try {
                this.curator.setData().withVersion(read.stat().getVersion()).forPath(instancePath(service, id),
                        this.json.writeValueAsBytes(read.tree()));
                return new StatusChange(before, instance(service, id));
            }
            catch (KeeperException.BadVersionException ex) {
                if (attempt >= 2) {
                    throw AdminApiException.conflict("registration " + instancePath(service, id) + " changed "
                            + "twice while its status was being set; nothing was changed, retry");
                }
            }
            catch (KeeperException.NoNodeException ex) {
                throw unknownInstance(service, id);
            }
        }
    }

    private List<Instance> instances(String service) throws Exception {
        List<Instance> instances = new ArrayList<>();
        for (String id : children(servicePath(service))) {
            Read read = read(service, id);
            if (read != null) {
                instances.add(read.instance());
            }
        }
        instances.sort(Comparator.comparing(Instance::id));
        return instances;
    }

    private Read read(String service, String id) throws Exception {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = this.curator.getData().storingStatIn(stat).forPath(instancePath(service, id));
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
        if (data == null || data.length == 0) {
            return null;
        }
        JsonNode tree;
        try {
            tree = this.json.readTree(new String(data, StandardCharsets.UTF_8));
        }
        catch (JacksonException ex) {
            return null;
        }
        if (!(tree instanceof ObjectNode)) {
            return null;
        }
        return new Read(tree, stat, toInstance(service, id, tree));
    }

    private Instance toInstance(String service, String id, JsonNode tree) {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode payload = tree.get("payload");
        JsonNode metadataNode = (payload != null) ? payload.get("metadata") : null;
        if (metadataNode != null && metadataNode.isObject()) {
            metadataNode.properties().forEach(entry -> metadata.put(entry.getKey(), entry.getValue().asString()));
        }
        String address = text(tree, "address");
        Integer port = number(tree, "port");
        Integer sslPort = number(tree, "sslPort");
        String uri = (sslPort != null) ? "https://" + address + ":" + sslPort
                : (port != null) ? "http://" + address + ":" + port : null;
        Integer weight = null;
        try {
            weight = (metadata.get("weight") != null) ? Integer.valueOf(metadata.get("weight").trim()) : null;
        }
        catch (NumberFormatException ex) {
            // an unparsable weight is shown in metadata only
        }
        Double load = load(metadata.get("load"));
        JsonNode time = tree.get("registrationTimeUTC");
        String registered = (time != null && time.isNumber()) ? Instant.ofEpochMilli(time.asLong()).toString()
                : null;
        String status = metadata.getOrDefault(STATUS_KEY, "UP");
        String instanceId = (text(tree, "id") != null) ? text(tree, "id") : id;
        return new Instance(instanceId, service, address, port, sslPort, uri, metadata.get("zone"), weight,
                load, metadata.get("version"), status, registered, metadata);
    }

    /** The published load in [0, 1], or {@code null} when absent or not a finite number (shown in metadata only). */
    private static Double load(String text) {
        if (text == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(text.trim());
            return Double.isFinite(value) ? Math.max(0.0, Math.min(1.0, value)) : null;
        }
        catch (NumberFormatException ex) {
            return null;
        }
    }

    private static String text(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return (node == null || node.isNull()) ? null : node.asString();
    }

    private static Integer number(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return (node != null && node.isNumber()) ? node.asInt() : null;
    }

    private List<String> children(String path) throws Exception {
        try {
            List<String> children = new ArrayList<>(this.curator.getChildren().forPath(path));
            children.sort(Comparator.naturalOrder());
            return children;
        }
        catch (KeeperException.NoNodeException ex) {
            return List.of();
        }
    }

    private AdminApiException unknownInstance(String service, String id) {
        return AdminApiException.notFound("id", "service '" + service + "' has no instance '" + id + "' (no "
                + "registration at " + instancePath(service, id) + "); list its instances with GET /api/v1/services/"
                + service);
    }

    private static void validate(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw AdminApiException.badRequest(field, field + " '" + value + "' is not a valid name; use letters, "
                    + "digits, '.', '-', '_' or ':'");
        }
    }

    private String servicePath(String service) {
        return this.root + "/" + service;
    }

    private String instancePath(String service, String id) {
        return this.root + "/" + service + "/" + id;
    }

    private record Read(JsonNode tree, Stat stat, Instance instance) {
    }

    record ServiceSummary(String name, int instances, int up) {
    }

    /**
     * An instance as the API shows it; {@code load} is the load it publishes (0 idle to 1 saturated) or {@code null};
     * {@code metadata} holds every metadata entry of the registration.
     */
    record Instance(String id, String service, String address, @Nullable Integer port, @Nullable Integer sslPort,
            @Nullable String uri, @Nullable String zone, @Nullable Integer weight, @Nullable Double load,
            @Nullable String version, String status, @Nullable String registrationTime, Map<String, String> metadata) {
    }

    record StatusChange(String before, Instance instance) {
    }
}
