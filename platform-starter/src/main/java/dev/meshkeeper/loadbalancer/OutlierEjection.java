package dev.meshkeeper.loadbalancer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Passive outlier ejection: an instance that fails {@code consecutive-failures} times in a row (a request that
 * could not be completed, or a 5xx response) is left out of every balancing strategy for a back-off period: the
 * base ejection time, multiplied by the number of times it was ejected in a row, capped at the max ejection time.
 * It returns by itself when the period ends. Never more than {@code max-ejected-percent} of a service's instances
 * (rounded down) are ejected at once, so a total outage never ejects everything: callers then see the real errors.
 * <p>
 * The balancers feed this from Spring Cloud LoadBalancer's lifecycle callbacks. Other code that learns about an
 * instance's failures (retries, circuit breakers) reports them with {@link #reportFailure(ServiceInstance)} and
 * {@link #reportSuccess(ServiceInstance)}. The state is held in memory by this application only, so it is not
 * affected by a lost ZooKeeper connection. Thread-safe. When {@code meshkeeper.loadbalancer.outlier-ejection.enabled}
 * is false, reports are ignored and nothing is ever ejected.
 */
public final class OutlierEjection {

    private static final Logger logger = LoggerFactory.getLogger(OutlierEjection.class);

    private final LoadBalancingProperties.OutlierEjection settings;

    private final Clock clock;

    private final MeterRegistry meterRegistry;

    private final Map<String, ServiceOutliers> services = new ConcurrentHashMap<>();

    /**
     * Ejection state for one application.
     * @param settings the {@code meshkeeper.loadbalancer.outlier-ejection.*} settings, read on every report
     * @param clock the time source of ejection periods
     * @param meterRegistry where the {@code meshkeeper.loadbalancer.ejections} counter and
     * {@code meshkeeper.loadbalancer.ejected} gauge of each service are registered
     */
    public OutlierEjection(LoadBalancingProperties.OutlierEjection settings, Clock clock,
            MeterRegistry meterRegistry) {
        this.settings = settings;
        this.clock = clock;
        this.meterRegistry = meterRegistry;
    }

    /**
     * Records a failed call to {@code instance}: a connection that could not be made or a request that failed, or a
     * 5xx response. Ejects the instance when this makes {@code consecutive-failures} in a row, unless the
     * max-ejected-percent is reached.
     */
    public void reportFailure(ServiceInstance instance) {
        if (!this.settings.isEnabled() || instance == null) {
            return;
        }
        outliers(instance.getServiceId()).failure(instanceKey(instance));
    }

    /** Records a successful call to {@code instance}: its run of failures starts again from zero. */
    public void reportSuccess(ServiceInstance instance) {
        if (!this.settings.isEnabled() || instance == null) {
            return;
        }
        ServiceOutliers outliers = this.services.get(instance.getServiceId());
        if (outliers != null) {
            outliers.success(instanceKey(instance));
        }
    }

    /** Whether {@code instance} is ejected right now. */
    public boolean isEjected(ServiceInstance instance) {
        ServiceOutliers outliers = (instance != null) ? this.services.get(instance.getServiceId()) : null;
        return outliers != null && outliers.ejectedUntil(instanceKey(instance), this.clock.millis()) != null;
    }

    /** The instances of {@code serviceId} (by instance id) ejected right now, each with the time it returns. */
    public Map<String, Instant> ejectedInstances(String serviceId) {
        ServiceOutliers outliers = this.services.get(serviceId);
        return (outliers != null) ? outliers.ejected(this.clock.millis()) : Map.of();
    }

    /** Services this application has reported calls to. */
    Set<String> services() {
        return this.services.keySet();
    }

    /**
     * The instances that may be chosen: all of {@code instances} but the ejected ones, never leaving out more
     * than the max-ejected-percent of them.
     */
    List<ServiceInstance> filter(String serviceId, List<ServiceInstance> instances) {
        return filterFor(serviceId).apply(instances);
    }

    /** {@link #filter(String, List)} bound to one service, for a balancer to call on every choice. */
    UnaryOperator<List<ServiceInstance>> filterFor(String serviceId) {
        ServiceOutliers outliers = outliers(serviceId);
        return (instances) -> withoutEjected(outliers, instances);
    }

    private List<ServiceInstance> withoutEjected(ServiceOutliers outliers, List<ServiceInstance> instances) {
        if (!this.settings.isEnabled() || instances.isEmpty()) {
            return instances;
        }
        if (outliers.knownInstances != instances.size()) {
            outliers.knownInstances = instances.size();
        }
        long latest = outliers.latestEjectedUntil;
        if (latest == 0) {
            return instances;
        }
        long now = this.clock.millis();
        if (now >= latest) {
            return instances;
        }
        // Read before the records: an ejection made meanwhile makes the next choice filter again.
        long ejections = outliers.ejectionCount;
        int percent = this.settings.getMaxEjectedPercent();
        SameInstances<NotEjected> last = outliers.lastNotEjected;
        if (last != null && last.value().holds(ejections, percent, now) && last.holdsFor(instances)) {
            List<ServiceInstance> chosen = last.value().chosen();
            return (chosen != null) ? chosen : instances;
        }
        NotEjected filtered = filtered(outliers, instances, now, ejections, percent);
        outliers.lastNotEjected = new SameInstances<>(instances, filtered);
        return (filtered.chosen() != null) ? filtered.chosen() : instances;
    }

    private NotEjected filtered(ServiceOutliers outliers, List<ServiceInstance> instances, long now, long ejections,
            int percent) {
        List<ServiceInstance> ejected = new ArrayList<>();
        long firstReturn = Long.MAX_VALUE;
        for (ServiceInstance instance : instances) {
            Long until = outliers.ejectedUntil(instanceKey(instance), now);
            if (until != null) {
                ejected.add(instance);
                firstReturn = Math.min(firstReturn, until);
            }
        }
        if (ejected.isEmpty()) {
            return new NotEjected(ejections, percent, firstReturn, null);
        }
        int allowed = instances.size() * percent / 100;
        if (ejected.size() > allowed) {
            // The list shrank since these were ejected: keep out only the most recently ejected ones.
            ejected.sort(Comparator.comparing(
                    (ServiceInstance instance) -> outliers.ejectedUntil(instanceKey(instance), now)).reversed());
            ejected = ejected.subList(0, allowed);
        }
        List<ServiceInstance> chosen = new ArrayList<>(instances.size() - ejected.size());
        for (ServiceInstance instance : instances) {
            if (!ejected.contains(instance)) {
                chosen.add(instance);
            }
        }
        return new NotEjected(ejections, percent, firstReturn, Collections.unmodifiableList(chosen));
    }

    private int maxEjected(int instances) {
        return instances * this.settings.getMaxEjectedPercent() / 100;
    }

    private ServiceOutliers outliers(String serviceId) {
        return this.services.computeIfAbsent(serviceId, ServiceOutliers::new);
    }

    static String instanceKey(ServiceInstance instance) {
        String id = instance.getInstanceId();
        return (id != null) ? id : instance.getHost() + ":" + instance.getPort();
    }

    /** One instance's run of failures and ejections; replaced as a whole, never changed in place. */
    private record InstanceRecord(int consecutiveFailures, int ejections, long ejectedUntil) {
    }

    /** The ejection state of one service's instances. */
    private final class ServiceOutliers {

        private final String serviceId;

        private final Map<String, InstanceRecord> instances = new ConcurrentHashMap<>();

        private final Counter ejections;

        /** The latest end of any ejection, so that choosing skips all checks when nothing is ejected. */
        private volatile long latestEjectedUntil;

        /** Instances of the service in the last list balanced, the base of max-ejected-percent. */
        private volatile int knownInstances;

        /** Ejections made so far: a filtered list made before the latest one no longer holds. */
        private volatile long ejectionCount;

        /** The last list filtered and what was left of it, reused while its instances are offered again. */
        private volatile SameInstances<NotEjected> lastNotEjected;

        ServiceOutliers(String serviceId) {
            this.serviceId = serviceId;
            this.ejections = Counter.builder("meshkeeper.loadbalancer.ejections")
                    .description("Instances ejected after failing in a row")
                    .tag("service", serviceId)
                    .register(OutlierEjection.this.meterRegistry);
            Gauge.builder("meshkeeper.loadbalancer.ejected", this, (outliers) -> outliers.ejected(
                    OutlierEjection.this.clock.millis()).size())
                    .description("Instances ejected right now")
                    .tag("service", serviceId)
                    .register(OutlierEjection.this.meterRegistry);
        }

        synchronized void failure(String key) {
            long now = OutlierEjection.this.clock.millis();
            InstanceRecord current = this.instances.getOrDefault(key, new InstanceRecord(0, 0, 0));
            if (current.ejectedUntil() > now) {
                return;
            }
            int failures = current.consecutiveFailures() + 1;
            if (failures < OutlierEjection.this.settings.getConsecutiveFailures()) {
                this.instances.put(key, new InstanceRecord(failures, current.ejections(), current.ejectedUntil()));
                return;
            }
            int known = Math.max(this.knownInstances, this.instances.size());
            int ejectedNow = ejected(now).size();
            if (ejectedNow + 1 > maxEjected(known)) {
                this.instances.put(key, new InstanceRecord(failures, current.ejections(), current.ejectedUntil()));
                if (logger.isDebugEnabled()) {
                    logger.debug("Not ejecting " + key + " of " + this.serviceId + " after " + failures
                            + " failures in a row: " + ejectedNow + " of " + known + " instances are ejected already "
                            + "(meshkeeper.loadbalancer.outlier-ejection.max-ejected-percent="
                            + OutlierEjection.this.settings.getMaxEjectedPercent() + ")");
                }
                return;
            }
            Duration max = OutlierEjection.this.settings.getMaxEjectionTime();
            // A long enough good spell since the last ejection forgets the earlier ones.
            boolean repeat = current.ejections() > 0 && now - current.ejectedUntil() < max.toMillis();
            int ejectionsInARow = repeat ? current.ejections() + 1 : 1;
            Duration period = OutlierEjection.this.settings.getBaseEjectionTime().multipliedBy(ejectionsInARow);
            if (period.compareTo(max) > 0) {
                period = max;
            }
            long until = now + period.toMillis();
            this.instances.put(key, new InstanceRecord(0, ejectionsInARow, until));
            this.latestEjectedUntil = Math.max(this.latestEjectedUntil, until);
            this.ejectionCount++;
            this.ejections.increment();
            logger.warn("Ejected instance " + key + " of " + this.serviceId + " for " + period + " (until "
                    + Instant.ofEpochMilli(until) + ") after " + failures + " failures in a row; ejection "
                    + ejectionsInARow + " in a row");
        }

        void success(String key) {
            InstanceRecord current = this.instances.get(key);
            if (current == null || current.consecutiveFailures() == 0) {
                return;
            }
            synchronized (this) {
                InstanceRecord latest = this.instances.get(key);
                if (latest != null) {
                    this.instances.put(key, new InstanceRecord(0, latest.ejections(), latest.ejectedUntil()));
                }
            }
        }

        Long ejectedUntil(String key, long now) {
            InstanceRecord record = this.instances.get(key);
            return (record != null && record.ejectedUntil() > now) ? record.ejectedUntil() : null;
        }

        Map<String, Instant> ejected(long now) {
            Map<String, Instant> ejected = new LinkedHashMap<>();
            this.instances.forEach((key, record) -> {
                if (record.ejectedUntil() > now) {
                    ejected.put(key, Instant.ofEpochMilli(record.ejectedUntil()));
                }
            });
            return ejected;
        }
    }
}
