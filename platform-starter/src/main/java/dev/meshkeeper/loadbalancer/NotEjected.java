package dev.meshkeeper.loadbalancer;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;

/**
 * What {@link OutlierEjection} left of one list of instances: {@code chosen}, or all of them when {@code null}. Holds
 * while no instance was ejected since ({@code ejections}, the service's count of ejections when it was worked out),
 * the max-ejected-percent is the same and none of the list's ejected instances has returned ({@code until}).
 */
record NotEjected(long ejections, int percent, long until, List<ServiceInstance> chosen) {

    boolean holds(long ejections, int percent, long now) {
        return this.ejections == ejections && this.percent == percent && now < this.until;
    }
}
