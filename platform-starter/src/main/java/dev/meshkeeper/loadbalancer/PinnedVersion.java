package dev.meshkeeper.loadbalancer;

/**
 * The version an incoming request is pinned to by its {@value #HEADER} header, held for the thread that serves it
 * so that outgoing {@code @LoadBalanced} calls made on that thread carry the same header ({@code RestClient},
 * {@code RestTemplate}, {@code WebClient} subscribed on that thread, OpenFeign). In a reactive application the
 * version travels in the Reactor context of the request's handling instead, to its {@code @LoadBalanced WebClient}
 * calls. Calls made on other threads (executors) or outside the request's reactive pipeline do not inherit it.
 */
public final class PinnedVersion {

    /** The header that pins a request to the instances of one version, e.g. {@code X-Meshkeeper-Version: v2}. */
    public static final String HEADER = "X-Meshkeeper-Version";

    /** The Reactor context key under which a reactive request's pinned version is held. */
    static final String CONTEXT_KEY = PinnedVersion.class.getName();

    private static final ThreadLocal<String> current = new ThreadLocal<>();

    private PinnedVersion() {
    }

    /** The version the request served by this thread is pinned to, or {@code null}. */
    public static String current() {
        return current.get();
    }

    static void set(String version) {
        if (version == null || version.isBlank()) {
            current.remove();
        }
        else {
            current.set(version.trim());
        }
    }

    static void clear() {
        current.remove();
    }
}
