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
     * services, in-flight requests moved by more than 25% and 2 requests, load by more than 10% and 0.05, or figures of a call
     * or the served requests as {@link CallFigures#differsFrom} says.
     */
    boolean differsFrom(TopologyReport written) {
        if (written == null || !Objects.equals(this.status, written.status)
                || !this.calls.keySet().equals(written.calls.keySet())
                || moved((double) this.inFlight, (double) written.inFlight, 2.0, 0.25)
                || moved(this.load, written.load, 0.05, 0.1) || (this.served == null) != (written.served == null)
                || (this.served != null && this.served.differsFrom(written.served))) {
            return true;
        }
        return this.calls.entrySet().stream()
                .anyMatch(call -> call.getValue().differsFrom(written.calls.get(call.getKey())));
    }

    /**
     * Whether {@code a} and {@code b} differ by more than {@code absolute} and by more than {@code relative} of the
     * larger; {@code null} (unknown) differs from any number.
     */
    static boolean moved(Double a, Double b, double absolute, double relative) {
        if (a == null || b == null) {
            return a != b;
        }
        double difference = Math.abs(a - b);
        return difference > absolute && difference > relative * Math.max(Math.abs(a), Math.abs(b));
    }
}
