package dev.meshkeeper.placement;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's claims under {@code {group}/owners}: an ephemeral node per item it runs, which exists only once. Its
 * creation zxid is the item's fencing token. Requests for many items are sent all at once and awaited together,
 * bounded by {@code meshkeeper.zookeeper.operation-timeout}.
 * <p>
 * No cache of the group's claims is kept: a claim found held by another member is watched (one ZooKeeper watch on
 * that claim), and its deletion, or the end of this session, sets off {@code released}, so the member tries again at
 * once instead of on a timer. A claim still watched after {@value #RECHECK_MILLIS} ms is looked at again when the
 * member reacts next (a read, no write), so a deletion that was not heard of delays its item by that much at most.
 * This session's own claims are remembered from the writes that made and removed them.
 */
final class ItemClaims {

    private static final Logger logger = LoggerFactory.getLogger(ItemClaims.class);

    private final CuratorFramework curator;

    private final ZooKeeperRequests requests;

    private final String ownersPath;

    private final byte[] member;

    private final String group;

    private final Runnable released;

    /** A claim watched this long is looked at again (a read), in case its deletion was not heard of. */
    static final long RECHECK_MILLIS = 1_000;

    /**
     * Items whose claim another session holds, each watched until it goes, with the time it was last looked at;
     * valid for {@link #heldIn} only.
     */
    private final Map<String, Long> held = new ConcurrentHashMap<>();

    private volatile long heldIn;

    /** This session's claims: item to the session that created it, until its deletion succeeded. */
    private final Map<String, Long> own = new ConcurrentHashMap<>();

    ItemClaims(CuratorFramework curator, ZooKeeperRequests requests, GroupView view, String member, String group,
            Runnable released) {
        this.curator = curator;
        this.requests = requests;
        this.ownersPath = view.ownersPath();
        this.member = member.getBytes(StandardCharsets.UTF_8);
        this.group = group;
        this.released = released;
    }

    /**
     * Claims the items whose claim is not known to be another member's; an item still claimed by another member is
     * watched and tried again when its claim goes. For each claim that is this session's,
     * {@code started.test(item, token)} starts the item and says whether it did.
     * @return whether every item is started now
     * @throws KeeperException when a claim failed, so that the member tries again
     */
    boolean claimAll(List<String> wanted, BiPredicate<String, Long> started) throws KeeperException {
        if (wanted.isEmpty()) {
            return true;
        }
        long session = sessionId();
        if (session != this.heldIn) {
            // The watches went with the previous session.
            this.held.clear();
            this.heldIn = session;
        }
        long due = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS);
        List<String> overdue = wanted.stream().filter(item -> this.held.getOrDefault(item, due) - due < 0).toList();
        if (!overdue.isEmpty()) {
            this.requests.requireConnected("exists", this.ownersPath);
            ownOrWatch(overdue, session);
        }
        List<String> free = wanted.stream().filter(item -> !this.held.containsKey(item)).toList();
        if (free.isEmpty()) {
            return false;
        }
        this.requests.requireConnected("create", this.ownersPath);
        Map<String, CompletableFuture<Created>> answers = new LinkedHashMap<>();
        for (String item : free) {
            Stat stat = new Stat();
            CompletableFuture<Created> answer = new CompletableFuture<>();
            try {
                this.curator.create().storingStatIn(stat).creatingParentContainersIfNeeded()
                        .withMode(CreateMode.EPHEMERAL)
                        .inBackground((client, event) -> answer.complete(new Created(
                                KeeperException.Code.get(event.getResultCode()), stat.getCzxid())))
                        .forPath(path(item), this.member);
            }
            catch (Exception ex) {
                answer.completeExceptionally(ex);
            }
            answers.put(item, answer);
        }
        awaitAll(answers.values());
        boolean all = free.size() == wanted.size();
        KeeperException failure = null;
        Map<String, Created> results = new LinkedHashMap<>();
        answers.forEach((item, answer) -> results.put(item, (answer.isDone() && !answer.isCompletedExceptionally())
                ? answer.join() : new Created(KeeperException.Code.OPERATIONTIMEOUT, 0)));
        Map<String, Long> existing = ownOrWatch(results.entrySet().stream()
                .filter(result -> result.getValue().code() == KeeperException.Code.NODEEXISTS)
                .map(Map.Entry::getKey).toList(), session);
        for (Map.Entry<String, Created> result : results.entrySet()) {
            String item = result.getKey();
            KeeperException.Code code = result.getValue().code();
            if (code == KeeperException.Code.OK && result.getValue().czxid() > 0) {
                this.own.put(item, session);
                all &= started.test(item, result.getValue().czxid());
            }
            else if (code == KeeperException.Code.NODEEXISTS && existing.containsKey(item)) {
                this.own.put(item, session);
                all &= started.test(item, existing.get(item));
            }
            else if (code == KeeperException.Code.NODEEXISTS) {
                all = false;
            }
            else {
                all = false;
                failure = KeeperException.create(code, path(item));
            }
        }
        if (failure != null) {
            throw failure;
        }
        return all;
    }

    /** Deletes the claims of the items (already stopped), all at once; while disconnected they go with the session. */
    void deleteAll(Collection<String> items) {
        if (items.isEmpty() || !this.curator.getZookeeperClient().isConnected()) {
            return;
        }
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (String item : items) {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            try {
                this.curator.delete().inBackground((client, event) -> {
                    KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                    if (code == KeeperException.Code.OK || code == KeeperException.Code.NONODE) {
                        this.own.remove(item);
                    }
                    answer.complete(null);
                }).forPath(path(item));
            }
            catch (Exception ex) {
                answer.complete(null);
            }
            answers.add(answer);
        }
        awaitAll(answers);
    }

    /** Items this session still claims but that are not in {@code keep} (a release failed while disconnected). */
    List<String> stale(Set<String> keep) {
        long session = sessionId();
        this.own.values().removeIf(owner -> owner != session);
        return this.own.keySet().stream().filter(item -> !keep.contains(item)).toList();
    }

    long sessionId() {
        try {
            return this.curator.getZookeeperClient().getZooKeeper().getSessionId();
        }
        catch (Exception ex) {
            return 0;
        }
    }

    /**
     * For claims that exist already, asked all at once: the tokens of those this session holds (it resumes after a
     * reconnect); each one held by another session is watched until it goes. A claim gone in the meantime sets off
     * {@code released}, so that the member tries again at once.
     */
    private Map<String, Long> ownOrWatch(List<String> items, long session) {
        Map<String, CompletableFuture<Stat>> answers = new LinkedHashMap<>();
        boolean gone = false;
        for (String item : items) {
            CompletableFuture<Stat> answer = new CompletableFuture<>();
            try {
                this.held.put(item, System.nanoTime());
                this.curator.checkExists().usingWatcher((CuratorWatcher) event -> watched(item, event))
                        .inBackground((client, event) -> answer.complete(event.getStat())).forPath(path(item));
                answers.put(item, answer);
            }
            catch (Exception ex) {
                this.held.remove(item);
                gone = true;
                logger.debug("Work group '{}': cannot look at claim {}: {}", this.group, path(item), ex.toString());
            }
        }
        awaitAll(answers.values());
        Map<String, Long> tokens = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<Stat>> entry : answers.entrySet()) {
            Stat stat = entry.getValue().getNow(null);
            if (stat == null || stat.getEphemeralOwner() == session) {
                this.held.remove(entry.getKey());
                gone |= (stat == null);
            }
            if (stat != null && stat.getEphemeralOwner() == session) {
                tokens.put(entry.getKey(), stat.getCzxid());
            }
        }
        if (gone) {
            this.released.run();
        }
        return tokens;
    }

    /**
     * A watched claim changed (went), or the session ended: the item may be free. A removed watch says nothing about
     * the claim; the claim is looked at again after {@value #RECHECK_MILLIS} ms.
     */
    private void watched(String item, WatchedEvent event) {
        Watcher.Event.EventType type = event.getType();
        if ((type != Watcher.Event.EventType.None && type != Watcher.Event.EventType.DataWatchRemoved)
                || event.getState() == Watcher.Event.KeeperState.Expired) {
            if (this.held.remove(item) != null) {
                this.released.run();
            }
        }
    }

    /** Waits for the answers, at most the operation timeout plus a millisecond per request. */
    private void awaitAll(Collection<? extends CompletableFuture<?>> answers) {
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .get(this.requests.timeout().toMillis() + answers.size(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            logger.debug("Work group '{}': not every request was answered in time ({})", this.group, ex.toString());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private String path(String item) {
        return ZKPaths.makePath(this.ownersPath, item);
    }

    /** The answer to one claim: the server's code and the claim's creation zxid. */
    private record Created(KeeperException.Code code, long czxid) {
    }
}
