package dev.meshkeeper.config;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.recipes.cache.ChildData;

/**
 * How Spring Cloud Zookeeper turns the znodes of a config context into property keys: the path below the context,
 * with {@code /} read as {@code .} ({@code /config/app/orders/max-quantity} and {@code /config/app/orders.max-quantity}
 * both set {@code orders.max-quantity}); a node with data, or a leaf without, holds a value.
 */
final class ContextKeys {

    private ContextKeys() {
    }

    /** The property key a znode of {@code context} sets, or {@code null} for the context itself or a path outside. */
    static String keyOf(String context, String path) {
        if (!path.startsWith(context + "/")) {
            return null;
        }
        return path.substring(context.length() + 1).replace('/', '.');
    }

    /** The nested znode path an operator writes {@code key} to (the dotted form under the context works as well). */
    static String pathOf(String context, String key) {
        return context + "/" + key.replace('.', '/');
    }

    /** The values of {@code context} as Spring Cloud Zookeeper would load them from these nodes. */
    static Map<String, String> valuesOf(String context, Iterable<ChildData> nodes) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ChildData data : nodes) {
            String key = keyOf(context, data.getPath());
            if (key == null) {
                continue;
            }
            byte[] bytes = data.getData();
            if (bytes != null && bytes.length > 0) {
                values.put(key, new String(bytes, StandardCharsets.UTF_8));
            }
            else if (data.getStat() == null || data.getStat().getNumChildren() == 0) {
                values.put(key, "");
            }
        }
        return values;
    }

    /** ZooKeeper's own monotonic version of the content: the highest modification zxid among the nodes. */
    static long versionOf(Iterable<ChildData> nodes) {
        long version = -1;
        for (ChildData data : nodes) {
            if (data.getStat() != null) {
                version = Math.max(version, data.getStat().getMzxid());
            }
        }
        return version;
    }
}
