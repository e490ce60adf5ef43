package dev.meshkeeper.samples.inventory;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stock of every SKU, shared by all inventory instances: one persistent znode per SKU under
 * {@code /meshkeeper/samples/inventory/stock/{sku}} holding {@code {"available":n,"fencingToken":t}}, where
 * {@code fencingToken} is the token of the lease under which the stock was last written (0 before any write).
 * <p>
 * It is a fenced resource: {@link #write} accepts a new level only with a fencing token higher than the stored one,
 * and only if the znode has not changed since it was read (its version), so a holder whose lease was lost while it
 * was paused cannot overwrite a newer reservation. A SKU never seen starts at {@code inventory.initial-stock}.
 */
@Component
class SharedStock {

    static final String ROOT = "/meshkeeper/samples/inventory/stock";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CuratorFramework curator;

    private final InventoryProperties properties;

    SharedStock(CuratorFramework curator, InventoryProperties properties) {
        this.curator = curator;
        this.properties = properties;
    }

    /** The stored stock of the SKU, created with the initial stock on first use. */
    Level read(String sku) {
        String path = ROOT + "/" + sku;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Stat stat = new Stat();
                byte[] data = this.curator.getData().storingStatIn(stat).forPath(path);
                JsonNode node = JSON.readTree(data);
                return new Level(node.get("available").asInt(), node.get("fencingToken").asLong(),
                        stat.getVersion());
            }
            catch (KeeperException.NoNodeException ex) {
                create(path);
            }
            catch (Exception ex) {
                throw unavailable(sku, ex);
            }
        }
        throw unavailable(sku, new IllegalStateException(path + " vanished while being read"));
    }

    /**
     * Stores a new level of the SKU's stock, written under the lease with the given fencing token. Refused (409)
     * when the token is not higher than the one stored, or when the znode changed since {@code read} returned
     * {@code previous}.
     */
    void write(String sku, Level previous, int available, long fencingToken) {
        if (fencingToken <= previous.fencingToken()) {
            throw staleWrite(sku, "fencing token " + fencingToken + " is not higher than the stored "
                    + previous.fencingToken() + "; a newer lease has written this stock");
        }
        try {
            this.curator.setData().withVersion(previous.version())
                    .forPath(ROOT + "/" + sku, encode(available, fencingToken));
        }
        catch (KeeperException.BadVersionException ex) {
            throw staleWrite(sku, "the stock changed since it was read (znode version " + previous.version()
                    + "); the lease may have been lost");
        }
        catch (Exception ex) {
            throw unavailable(sku, ex);
        }
    }

    private void create(String path) {
        try {
            this.curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(path, encode(this.properties.getInitialStock(), 0));
        }
        catch (KeeperException.NodeExistsException ex) {
            // Another instance created it first: read what it wrote.
        }
        catch (Exception ex) {
            throw unavailable(path, ex);
        }
    }

    private static byte[] encode(int available, long fencingToken) {
        return ("{\"available\":" + available + ",\"fencingToken\":" + fencingToken + "}").getBytes();
    }

    private static ErrorResponseException staleWrite(String sku, String reason) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "The stock of SKU '" + sku + "' was not written: " + reason + ". Retry the reservation.");
        problem.setTitle("Stale write refused");
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    private static ErrorResponseException unavailable(String sku, Exception cause) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The stock of '" + sku + "' could not be read or written in ZooKeeper: " + cause.getMessage());
        problem.setTitle("Stock unavailable");
        return new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, cause);
    }

    /**
     * A SKU's stock as read.
     *
     * @param available units available
     * @param fencingToken the token of the lease that wrote it last (0: never written)
     * @param version the znode's version when read
     */
    record Level(int available, long fencingToken, int version) {
    }
}
