package dev.meshkeeper.load;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.discovery.DiscoveryRegistrationAutoConfiguration;
import dev.meshkeeper.discovery.InFlightRequests;
import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A provider's load, published for callers: {@code requests in flight / meshkeeper.load.capacity} (CPU counted
 * from {@code meshkeeper.load.cpu-threshold} up) in the registration metadata key {@value LoadFigure#METADATA_KEY}
 * and the response header {@value LoadFigure#HEADER}. Needs a web application whose requests in flight discovery
 * counts.
 * <p>
 * Connection loss: the header goes on unchanged; the metadata is not written while ZooKeeper is away, and the first
 * tick after the reconnection writes the current value.
 */
@AutoConfiguration(after = { ZooKeeperConnectionAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.load.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnBean(InFlightRequests.class)
@EnableConfigurationProperties(LoadProperties.class)
public class LoadAutoConfiguration {

    /** The load meter of a servlet application: capacity defaults to Tomcat's maximum worker threads. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletLoadMeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadMeter meshkeeperLoadMeter(LoadProperties properties, InFlightRequests inFlight, Environment environment) {
            return meter(properties, inFlight, environment.getProperty("server.tomcat.threads.max", Integer.class,
                    200));
        }
    }

    /** The load meter of a reactive application: capacity defaults to 256 exchanges. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ReactiveLoadMeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadMeter meshkeeperLoadMeter(LoadProperties properties, InFlightRequests inFlight) {
            return meter(properties, inFlight, 256);
        }
    }

    static LoadMeter meter(LoadProperties properties, InFlightRequests inFlight, int defaultCapacity) {
        int capacity = (properties.getCapacity() != null) ? properties.getCapacity() : defaultCapacity;
        return new LoadMeter(inFlight::current, capacity, processCpu(), properties.getCpuThreshold());
    }

    private static DoubleSupplier processCpu() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun::getProcessCpuLoad;
        }
        return () -> -1;
    }

    /** The load in the registration metadata, written while the connection monitor says ZooKeeper is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "meshkeeper.load.metadata.enabled", matchIfMissing = true)
    @ConditionalOnBean({ InstanceRegistration.class, ZooKeeperConnectionMonitor.class })
    static class MetadataConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadPublisher meshkeeperLoadPublisher(LoadMeter meter, InstanceRegistration registration,
                LoadProperties properties, ZooKeeperConnectionMonitor connection, ObjectProvider<Clock> clock) {
            return new LoadPublisher(meter,
                    (text) -> registration.updateMetadata(Map.of(LoadFigure.METADATA_KEY, text)),
                    connection::isConnected, connection::epoch,
                    clock.getIfAvailable(Clock::systemUTC), properties.getPublishInterval(),
                    properties.getHysteresis());
        }

        @Bean
        ScheduledLoadPublishing meshkeeperScheduledLoadPublishing(LoadPublisher publisher, LoadProperties properties) {
            return new ScheduledLoadPublishing(publisher, properties.getPublishInterval());
        }
    }

    /** The load on every response of a servlet application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "meshkeeper.load.header.enabled", matchIfMissing = true)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.Filter")
    static class ServletHeaderConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadHeaderFilter meshkeeperLoadHeaderFilter(LoadMeter meter) {
            return new LoadHeaderFilter(meter);
        }
    }

    /** The load on every response of a reactive application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "meshkeeper.load.header.enabled", matchIfMissing = true)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
    static class ReactiveHeaderConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadHeaderWebFilter meshkeeperLoadHeaderWebFilter(LoadMeter meter) {
            return new LoadHeaderWebFilter(meter);
        }
    }
}
