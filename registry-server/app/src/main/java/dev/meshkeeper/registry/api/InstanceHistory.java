package dev.meshkeeper.registry.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Each instance's recent samples (load, in-flight requests, served p99 latency, status) in a ring buffer of its own,
 * bounded to {@link #MAX_MINUTES} minutes of samples. Kept in memory only: a registry restart starts empty. The
 * buffers of instances not sampled for longer than that are dropped.
 */
final class InstanceHistory {

    /** The longest history kept, and the most a caller may ask for. */
    static final int MAX_MINUTES = 60;

    private final int capacity;

    private final Map<Key, Ring> rings = new ConcurrentHashMap<>();

    InstanceHistory(Duration sampleInterval) {
        this.capacity = (int) Math.max(1, Duration.ofMinutes(MAX_MINUTES).toMillis() / sampleInterval.toMillis());
    }

    void record(String service, String instance, Point point) {
        this.rings.computeIfAbsent(new Key(service, instance), (key) -> new Ring(this.capacity)).add(point);
    }

    /** The points of the instance from {@code since} on, oldest first; empty when none are kept. */
    List<Point> points(String service, String instance, Instant since) {
        Ring ring = this.rings.get(new Key(service, instance));
        return (ring != null) ? ring.since(since) : List.of();
    }

    /** Forgets instances whose newest point is older than {@code before}. */
    void forgetOlderThan(Instant before) {
        this.rings.values().removeIf((ring) -> ring.newest() == null || ring.newest().isBefore(before));
    }

    /** Instances with a history. */
    int size() {
        return this.rings.size();
    }

    /** One sample: load 0–1 and latency may be {@code null} when the instance reports none. */
    record Point(String at, @Nullable Double load, int inFlight, @Nullable Double p99Millis, @Nullable String status) {
    }

    private record Key(String service, String instance) {
    }

    private static final class Ring {

        private final Point[] points;

        private final Instant[] times;

        private int next;

        private int size;

        Ring(int capacity) {
            this.points = new Point[capacity];
            this.times = new Instant[capacity];
        }

        synchronized void add(Point point) {
            this.points[this.next] = point;
            this.times[this.next] = Instant.parse(point.at());
            this.next = (this.next + 1) % this.points.length;
            this.size = Math.min(this.size + 1, this.points.length);
        }

        synchronized List<Point> since(Instant since) {
            List<Point> result = new ArrayList<>(this.size);
            for (int i = 0; i < this.size; i++) {
                int index = Math.floorMod(this.next - this.size + i, this.points.length);
                if (!this.times[index].isBefore(since)) {
                    result.add(this.points[index]);
                }
            }
            return result;
        }

        synchronized Instant newest() {
            return (this.size == 0) ? null : this.times[Math.floorMod(this.next - 1, this.points.length)];
        }
    }
}
