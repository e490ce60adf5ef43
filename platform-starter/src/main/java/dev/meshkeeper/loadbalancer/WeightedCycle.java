package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.InstanceMetadata;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The precomputed order of one list of weighted instances: one cycle of {@code W} picks (the sum of the weights,
 * divided by their greatest common divisor) in which each instance appears exactly its weight times, interleaved in
 * worst-case fair order (WF²Q): at each step, among the instances whose next turn has started, the one whose turn
 * ends first. An instance's k-th turn of a cycle starts at {@code (k - 1) / w} and ends at {@code k / w} of the
 * cycle, so it is never picked before its turn starts and never far after it ends. Built once per list in
 * O(W log n); a pick is one counter increment and two array reads, without a lock. Immutable but for the shared
 * position, which {@link #over} keeps when the same instances arrive in a new list.
 */
final class WeightedCycle {

    /**
     * The longest cycle kept (1 MB of positions): above it, e.g. more than 2,600 instances with uneven weights up
     * to 100, the weights are scaled down to fit, so the shares are proportional to within one pick per cycle.
     */
    static final int MAX_LENGTH = 1 << 18;

    private final List<ServiceInstance> instances;

    private final String[] keys;

    private final int[] weights;

    /** Index into the list of each pick of the cycle. */
    private final int[] order;

    private final AtomicLong position;

    private WeightedCycle(List<ServiceInstance> instances, String[] keys, int[] weights, int[] order,
            AtomicLong position) {
        this.instances = instances;
        this.keys = keys;
        this.weights = weights;
        this.order = order;
        this.position = position;
    }

    /** The cycle of {@code instances} (not empty); it starts at a random pick, so that clients do not move alike. */
    static WeightedCycle of(List<ServiceInstance> instances, int maxWeight) {
        int size = instances.size();
        String[] keys = new String[size];
        int[] weights = new int[size];
        for (int i = 0; i < size; i++) {
            keys[i] = OutlierEjection.instanceKey(instances.get(i));
            weights[i] = InstanceMetadata.weight(instances.get(i), maxWeight);
        }
        int[] order = order(reduced(weights));
        return new WeightedCycle(instances, keys, weights, order,
                new AtomicLong(ThreadLocalRandom.current().nextInt(order.length)));
    }

    /** The list this cycle was built for or last matched. */
    List<ServiceInstance> instances() {
        return this.instances;
    }

    /** The next pick, from {@code instances}: the list of this cycle or one that {@link #matches} it. */
    ServiceInstance next(List<ServiceInstance> instances) {
        long pick = this.position.getAndIncrement();
        return instances.get(this.order[(int) (pick % this.order.length)]);
    }

    /**
     * Whether {@code instances} holds the same instances with the same weights in the same order, as a refreshed
     * or filtered list does. Elements that are the very objects of this cycle's list are not read again.
     */
    boolean matches(List<ServiceInstance> instances, int maxWeight) {
        if (instances.size() != this.keys.length) {
            return false;
        }
        for (int i = 0; i < this.keys.length; i++) {
            ServiceInstance instance = instances.get(i);
            if (instance != this.instances.get(i) && (!OutlierEjection.instanceKey(instance).equals(this.keys[i])
                    || InstanceMetadata.weight(instance, maxWeight) != this.weights[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The next pick from a new list object whose element at the next position is the very object this cycle's list
     * has there, as in a list refiltered on every call from the same cached instances; {@code null} (taking no
     * pick) when it is not, and also when the element actually picked is not (taken concurrently, or changed).
     * Only picked elements are compared: an instance replaced in a list of the same size is noticed when the cycle
     * reaches it, and until then every pick is an unchanged instance of the list at its own weight's turn.
     */
    ServiceInstance nextIfSame(List<ServiceInstance> instances) {
        if (instances.size() != this.keys.length) {
            return null;
        }
        int next = this.order[(int) (this.position.get() % this.order.length)];
        if (instances.get(next) != this.instances.get(next)) {
            return null;
        }
        int picked = this.order[(int) (this.position.getAndIncrement() % this.order.length)];
        ServiceInstance instance = instances.get(picked);
        return (instance == this.instances.get(picked)) ? instance : null;
    }

    /** This cycle over a matching list, going on from the same position. */
    WeightedCycle over(List<ServiceInstance> instances) {
        return new WeightedCycle(instances, this.keys, this.weights, this.order, this.position);
    }

    /** The cycle's length: the picks after which it repeats. */
    int length() {
        return this.order.length;
    }

    /**
     * The weights divided by their greatest common divisor, and scaled down (each at least 1) when their sum
     * exceeds {@link #MAX_LENGTH}.
     */
    static int[] reduced(int[] weights) {
        int divisor = 0;
        long sum = 0;
        for (int weight : weights) {
            divisor = gcd(divisor, weight);
            sum += weight;
        }
        int[] reduced = new int[weights.length];
        long total = sum / divisor;
        for (int i = 0; i < weights.length; i++) {
            int weight = weights[i] / divisor;
            reduced[i] = (total <= MAX_LENGTH - weights.length) ? weight
                    : (int) Math.max(1, (long) weight * (MAX_LENGTH - weights.length) / total);
        }
        return reduced;
    }

    /**
     * One cycle in worst-case fair order: at step t (virtual time t / W) the instances whose next turn has started
     * ({@code (k - 1) / w <= t / W}) are eligible, and the one whose turn ends first ({@code k / w}, ties to the
     * lower index) is picked. One is always eligible: otherwise every instance would have had more turns than its
     * share of the t picks made so far.
     */
    static int[] order(int[] weights) {
        int size = weights.length;
        long total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int[] turn = new int[size];
        PriorityQueue<Integer> eligible = new PriorityQueue<>(size, (a, b) -> {
            int byEnd = Long.compare((turn[a] + 1L) * weights[b], (turn[b] + 1L) * weights[a]);
            return (byEnd != 0) ? byEnd : Integer.compare(a, b);
        });
        PriorityQueue<Integer> waiting = new PriorityQueue<>(size, (a, b) -> {
            int byStart = Long.compare((long) turn[a] * weights[b], (long) turn[b] * weights[a]);
            return (byStart != 0) ? byStart : Integer.compare(a, b);
        });
        for (int i = 0; i < size; i++) {
            eligible.add(i);
        }
        int[] order = new int[(int) total];
        for (int step = 0; step < order.length; step++) {
            while (!waiting.isEmpty() && (long) turn[waiting.peek()] * total <= (long) step * weights[waiting.peek()]) {
                eligible.add(waiting.poll());
            }
            Integer next = eligible.isEmpty() ? waiting.poll() : eligible.poll();
            order[step] = next;
            turn[next]++;
            if (turn[next] < weights[next]) {
                waiting.add(next);
            }
        }
        return order;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int rest = a % b;
            a = b;
            b = rest;
        }
        return a;
    }
}
