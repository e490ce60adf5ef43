package dev.meshkeeper.topology;

import java.util.Map;
import java.util.Objects;

/**
 * What one instance reports about itself, the JSON of its node {@code /meshkeeper/topology/{service}/{instance-id}}:
 * its registration status, its own server side (requests in flight, the load it publishes, the requests it served
 * with their latency) and, per service it called through the load balancer, the calls of the last 60 seconds.
 *
 * @param service the instance's service id
 * @param instance the instance id (its registration's id)
 * @param status its registration status ({@code UP}, {@code OUT_OF_SERVICE}, ...)
 * @param inFlight server requests in progress
 * @param load the load it publishes (0 idle to 1 saturated), {@code null} when it publishes none
 * @param served the requests it served, {@code null} when it served none in the last 60 s
 * @param calls per called service, the calls of the last 60 s (services not called in them are left out)
 */
record TopologyReport(String service, String instance, String status, int inFlight, Double load,
        CallFigures served, Map<String, CallFigures> calls) {

    /**
     * Whether this report differs from {@code written} enough to be written: another status, another set of called
     * services, in-flight requests or load moved by more than 10% (and 1 request, 0.05 load), or figures of a call
     * or the served requests as {@link CallFigures#differsFrom} says.
     */
    boolean differsFrom(TopologyReport written) {
        if (written == null || !Objects.equals(this.status, written.status)
                || !this.calls.keySet().equals(written.calls.keySet())
                || moved((double) this.inFlight, (double) written.inFlight, 1.0)
                || moved(this.load, written.load, 0.05) || (this.served == null) != (written.served == null)
                || (this.served != null && this.served.differsFrom(written.served))) {
            return true;
        }
        return this.calls.entrySet().stream()
                .anyMatch(call -> call.getValue().differsFrom(written.calls.get(call.getKey())));
    }

    /** Whether {@code a} and {@code b} differ by more than 10% of the larger and more than {@code absolute}. */
    static boolean moved(Double a, Double b, double absolute) {
        if (a == null || b == null) {
            return a != b;
        }
        double difference = Math.abs(a - b);
        return difference > absolute && difference > 0.1 * Math.max(Math.abs(a), Math.abs(b));
    }
}
