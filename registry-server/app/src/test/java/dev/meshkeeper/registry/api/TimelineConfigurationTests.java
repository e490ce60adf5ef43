package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@Timeout(30)
class TimelineConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(AdminApiConfiguration.class, TimelineConfiguration.class)
            .withBean(CuratorFramework.class, () -> CuratorFrameworkFactory.newClient("127.0.0.1:1",
                    new RetryOneTime(10)));

    @Test
    void timelineIsOnByDefaultAndStartsEmptyEvenWithoutTheEventStream() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(EventTimeline.class).doesNotHaveBean(RegistryEvents.class);
            assertThat(context.getBean(EventTimeline.class).entries(EventTimeline.MAX_ENTRIES)).isEmpty();
        });
    }

    @Test
    void timelineCanBeTurnedOff() {
        this.runner.withPropertyValues("meshkeeper.registry.timeline.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(EventTimeline.class));
    }
}
