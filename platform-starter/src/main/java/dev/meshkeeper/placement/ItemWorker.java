package dev.meshkeeper.placement;

/**
 * Runs the work of one item while this instance owns it: {@link #start} is called when the item is assigned, and
 * the returned handle is closed when it is revoked — before the item's next owner starts it.
 * <pre>
 * placement.forEachItem("order-processing", (item, token) -&gt; {
 *     ScheduledFuture&lt;?&gt; job = scheduler.scheduleAtFixedRate(() -&gt; process(item, token), Duration.ofSeconds(2));
 *     return () -&gt; job.cancel(false);
 * });
 * </pre>
 */
@FunctionalInterface
public interface ItemWorker {

    /**
     * Starts the item's work; called on the group's thread, so hand long work to an executor.
     * @param item the item, e.g. {@code "7"} for partition 7
     * @param fencingToken the item's token, higher than any earlier owner's; pass it with side effects
     * @return what stops the work; it must not return before the work has stopped
     */
    AutoCloseable start(String item, long fencingToken) throws Exception;
}
