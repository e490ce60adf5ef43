package dev.meshkeeper.registry.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log of mutating API calls, kept in ZooKeeper under {@code meshkeeper.registry.audit.root} (default
 * {@code /meshkeeper/audit}) as persistent sequential znodes: it survives restarts and every member of an ensemble
 * sees the same log. At most {@code limit} entries are kept; the oldest are purged after each write. Recording
 * never fails a call: when ZooKeeper refuses the write, the entry is lost and one WARN says so (until a write
 * succeeds again).
 */
final class AuditLog {

    /** Request attribute in which a controller leaves a short summary of what a call changed. */
    static final String SUMMARY = AuditLog.class.getName() + ".summary";

    private static final Logger logger = LoggerFactory.getLogger(AuditLog.class);

    private final CuratorFramework curator;

    private final String root;

    private final int limit;

    private final JsonMapper json;

    private final Clock clock;

    private final AtomicBoolean failing = new AtomicBoolean();

    AuditLog(CuratorFramework curator, String root, int limit, JsonMapper json, Clock clock) {
        this.curator = curator;
        this.root = root;
        this.limit = limit;
        this.json = json;
        this.clock = clock;
    }

    static void summarize(HttpServletRequest request, String summary) {
        request.setAttribute(SUMMARY, summary);
    }

    /** Records one call; never throws. */
    void record(String who, String method, String path, int status, String summary) {
        Entry entry = new Entry(this.clock.instant().toString(), who, method, path, status, summary);
        try {
            this.curator.create().creatingParentContainersIfNeeded()
                    .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(this.root + "/entry-", this.json.writeValueAsBytes(entry));
            purge();
            if (this.failing.compareAndSet(true, false)) {
                logger.info("Audit entries are recorded in " + this.root + " again");
            }
        }
        catch (Exception ex) {
            if (this.failing.compareAndSet(false, true)) {
                logger.warn("Could not record an audit entry under " + this.root + " (" + ex
                        + "); calls still succeed but are not audited until ZooKeeper accepts writes again");
            }
        }
    }

    /** The newest {@code max} entries, newest first. */
    List<Entry> entries(int max) throws Exception {
        List<String> children;
        try {
            children = new ArrayList<>(this.curator.getChildren().forPath(this.root));
        }
        catch (KeeperException.NoNodeException ex) {
            return List.of();
        }
        children.sort(Comparator.reverseOrder());
        List<Entry> entries = new ArrayList<>();
        for (String child : children) {
            if (entries.size() >= max) {
                break;
            }
            try {
                byte[] data = this.curator.getData().forPath(this.root + "/" + child);
                entries.add(this.json.readValue(data, Entry.class));
            }
            catch (KeeperException.NoNodeException | JacksonException ex) {
                // purged meanwhile, or not an entry
            }
        }
        return entries;
    }

    private void purge() throws Exception {
        List<String> children = new ArrayList<>(this.curator.getChildren().forPath(this.root));
        if (children.size() <= this.limit) {
            return;
        }
        children.sort(Comparator.naturalOrder());
        for (String child : children.subList(0, children.size() - this.limit)) {
            try {
                this.curator.delete().forPath(this.root + "/" + child);
            }
            catch (KeeperException.NoNodeException ex) {
                // purged by another member at the same time
            }
        }
    }

    @Schema(name = "AuditEntry")
    record Entry(String when, String who, String method, String path, int status, @Nullable String summary) {
    }
}
