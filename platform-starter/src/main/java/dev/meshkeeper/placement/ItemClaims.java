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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's claims under {@code {group}/owners}: an ephemeral node per item it runs, which exists only once. Its
 * creation zxid is the item's fencing token. Requests for many items are sent all at once and awaited together,
 * bounded by {@code meshkeeper.zookeeper.operation-timeout}.
 */
final class ItemClaims {

    private static final Logger logger = LoggerFactory.getLogger(ItemClaims.class);

    private final CuratorFramework curator;

    private final ZooKeeperRequests requests;

    private final CuratorCache cache;

    private final String ownersPath;

    private final byte[] member;

    private final String group;

    /** This session's claims as the cache shows them ({@link GroupView#ownClaims()}), kept up to date by it. */
    private final Set<String> ownClaims;

    ItemClaims(CuratorFramework curator, ZooKeeperRequests requests, GroupView view, String member, String group) {
        this.curator = curator;
        this.requests = requests;
        this.cache = view.cache();
        this.ownersPath = view.ownersPath();
        this.ownClaims = view.ownClaims();
        this.member = member.getBytes(StandardCharsets.UTF_8);
        this.group = group;
    }

    /**
     * Claims the items whose claim is free (or this session's) as far as the cache knows; an item still claimed by
     * another member is tried again when its claim goes. For each claim that is this session's,
     * {@code started.test(item, token)} starts the item and says whether it did.
     * @return whether every item is started now
     * @throws KeeperException when a claim failed, or exists as another's though the cache does not show it yet
     * (after the others were started), so that the member tries again
     */
    boolean claimAll(List<String> wanted, BiPredicate<String, Long> started) throws KeeperException {
        if (wanted.isEmpty()) {
            return true;
        }
        long session = sessionId();
        List<String> free = wanted.stream().filter(item -> this.cache.get(path(item))
                .map(data -> data.getStat().getEphemeralOwner() == session).orElse(true)).toList();
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
        Map<String, Long> existing = ownTokens(results.entrySet().stream()
                .filter(result -> result.getValue().code() == KeeperException.Code.NODEEXISTS)
                .map(Map.Entry::getKey).toList());
        for (Map.Entry<String, Created> result : results.entrySet()) {
            String item = result.getKey();
            KeeperException.Code code = result.getValue().code();
            if (code == KeeperException.Code.OK && result.getValue().czxid() > 0) {
                all &= started.test(item, result.getValue().czxid());
            }
            else if (code == KeeperException.Code.NODEEXISTS && existing.containsKey(item)) {
                all &= started.test(item, existing.get(item));
            }
            else if (code == KeeperException.Code.NODEEXISTS) {
                all = false;
                if (this.cache.get(path(item)).isEmpty()) {
                    // Another member's claim the cache has not shown: no event may come when it goes, so try again.
                    failure = KeeperException.create(code, path(item));
                }
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
                this.curator.delete().inBackground((client, event) -> answer.complete(null)).forPath(path(item));
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
        return this.ownClaims.stream().filter(item -> !keep.contains(item)).filter(item -> this.cache.get(path(item))
                .map(data -> data.getStat().getEphemeralOwner() == session).orElse(false)).toList();
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
     * The tokens of the claims that exist already and that this session holds (it resumes after a reconnect), asked
     * all at once; a claim the cache shows as another session's is not asked for.
     */
    private Map<String, Long> ownTokens(List<String> items) {
        long session = sessionId();
        Map<String, CompletableFuture<Stat>> answers = new LinkedHashMap<>();
        for (String item : items) {
            if (this.cache.get(path(item)).map(data -> data.getStat().getEphemeralOwner() != session).orElse(false)) {
                continue;
            }
            CompletableFuture<Stat> answer = new CompletableFuture<>();
            try {
                this.curator.checkExists().inBackground((client, event) -> answer.complete(event.getStat()))
                        .forPath(path(item));
                answers.put(item, answer);
            }
            catch (Exception ex) {
                logger.debug("Work group '{}': cannot look at claim {}: {}", this.group, path(item), ex.toString());
            }
        }
        awaitAll(answers.values());
        Map<String, Long> tokens = new HashMap<>();
        answers.forEach((item, answer) -> {
            Stat stat = answer.getNow(null);
            if (stat != null && stat.getEphemeralOwner() == session) {
                tokens.put(item, stat.getCzxid());
            }
        });
        return tokens;
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
