package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.context.annotation.Configuration;

@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class ZooKeeperAuthenticationAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(ZooKeeperConnectionDetailsAutoConfiguration.class,
                    ZooKeeperAuthenticationAutoConfiguration.class));

    @Test
    void applicationClientAuthenticatesAndCreatesCreatorOwnedNodes() {
        this.contextRunner.withPropertyValues("meshkeeper.zookeeper.auth.username=inventory-service",
                "meshkeeper.zookeeper.auth.password=s3cret").run(context -> {
                    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
                    context.getBean(CuratorFrameworkCustomizer.class).customize(builder);
                    assertAuthenticatesAs(builder, "inventory-service:s3cret");
                });
    }

    @Test
    void configLoadingClientAuthenticatesAndCreatesCreatorOwnedNodes() {
        DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
        bootstrap.register(Binder.class, context -> binder(Map.of("meshkeeper.zookeeper.auth.username",
                "inventory-service", "meshkeeper.zookeeper.auth.password", "s3cret")));
        new ZooKeeperClientSettings().initialize(bootstrap);
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
        bootstrap.get(CuratorFrameworkCustomizer.class).customize(builder);
        assertAuthenticatesAs(builder, "inventory-service:s3cret");
    }

    @Test
    void credentialsAreAddedToThoseAlreadyOnTheBuilder() {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .authorization("ip", "127.0.0.1".getBytes(StandardCharsets.UTF_8));
        new ZooKeeperAuthentication().customize(builder, binder(Map.of("meshkeeper.zookeeper.auth.username",
                "inventory-service", "meshkeeper.zookeeper.auth.password", "s3cret")));
        assertThat(builder.getAuthInfos()).extracting(AuthInfo::getScheme).containsExactly("ip", "digest");
    }

    @Test
    void withoutCredentialsTheClientsAreLeftAsTheyAre() {
        this.contextRunner.run(context -> {
            assertThat(context).doesNotHaveBean(ZooKeeperAuthenticationEndpointContributor.class);
            CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
            context.getBean(CuratorFrameworkCustomizer.class).customize(builder);
            assertThat(builder.getAuthInfos()).isNullOrEmpty();
            assertThat(builder.getAclProvider()).isInstanceOf(DefaultACLProvider.class);
        });
    }

    @Test
    void meshkeeperDisabledLeavesTheClientsAsTheyAre() {
        DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
        bootstrap.register(Binder.class, context -> binder(Map.of("meshkeeper.enabled", "false",
                "meshkeeper.zookeeper.auth.username", "inventory-service", "meshkeeper.zookeeper.auth.password",
                "s3cret")));
        new ZooKeeperClientSettings().initialize(bootstrap);
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
        bootstrap.get(CuratorFrameworkCustomizer.class).customize(builder);
        assertThat(builder.getAuthInfos()).isNullOrEmpty();
    }

    @Test
    void endpointShowsTheUsernameButNeverThePassword() {
        this.contextRunner.withPropertyValues("meshkeeper.zookeeper.auth.username=inventory-service",
                "meshkeeper.zookeeper.auth.password=s3cret").run(context -> {
                    ZooKeeperAuthenticationEndpointContributor contributor = context
                            .getBean(ZooKeeperAuthenticationEndpointContributor.class);
                    assertThat(contributor.name()).isEqualTo("authentication");
                    assertThat(contributor.describe()).asString().contains("inventory-service")
                            .doesNotContain("s3cret");
                    assertThat(context.getBean(ZooKeeperAuthenticationProperties.class)).asString()
                            .doesNotContain("s3cret");
                });
    }

    @Test
    void usernameWithoutPasswordFailsStartUpNamingThePassword() {
        this.contextRunner.withPropertyValues("meshkeeper.zookeeper.auth.username=inventory-service")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("meshkeeper.zookeeper.auth.password");
                });
    }

    @Test
    void passwordWithoutUsernameFailsNamingTheUsernameAndHidingThePassword() {
        this.contextRunner.withPropertyValues("meshkeeper.zookeeper.auth.password=s3cret").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("meshkeeper.zookeeper.auth.username").hasMessageNotContaining("s3cret");
        });
    }

    @Test
    void halfSetCredentialsFailTheConfigLoadingClientToo() {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
        Binder binder = binder(Map.of("meshkeeper.zookeeper.auth.username", "inventory-service"));
        assertThat(org.assertj.core.api.Assertions
                .catchThrowable(() -> ZooKeeperClientSettings.customizer(binder).customize(builder)))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("meshkeeper.zookeeper.auth.password");
    }

    @Test
    void halfSetCredentialsStopAnApplicationThatImportsConfigBeforeItConnects(CapturedOutput output) {
        SpringApplication application = new SpringApplication(EmptyApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        // Port 1 is never a ZooKeeper: the failure comes from the credentials check, before any connection.
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> application.run(
                "--spring.config.import=zookeeper:127.0.0.1:1", "--spring.application.name=half-set",
                "--spring.cloud.zookeeper.connect-string=127.0.0.1:1",
                "--meshkeeper.zookeeper.auth.username=inventory-service"));
        assertThat(failure).hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class)
                .rootCause().hasMessageContaining("meshkeeper.zookeeper.auth.password");
        // The start-up report names the credentials, not an import that "does not exist".
        assertThat(output).contains("The ZooKeeper credentials are unusable")
                .contains("meshkeeper.zookeeper.auth.password is not").doesNotContain("does not exist");
    }

    @Test
    void usernameWithAColonIsRejected() {
        this.contextRunner.withPropertyValues("meshkeeper.zookeeper.auth.username=inventory:service",
                "meshkeeper.zookeeper.auth.password=s3cret").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("meshkeeper.zookeeper.auth.username")
                            .hasMessageNotContaining("s3cret");
                });
    }

    private static void assertAuthenticatesAs(CuratorFrameworkFactory.Builder builder, String credentials) {
        List<AuthInfo> authInfos = builder.getAuthInfos();
        assertThat(authInfos).hasSize(1);
        assertThat(authInfos.get(0).getScheme()).isEqualTo("digest");
        assertThat(new String(authInfos.get(0).getAuth(), StandardCharsets.UTF_8)).isEqualTo(credentials);
        ACLProvider acls = builder.getAclProvider();
        assertThat(acls.getAclForPath("/services/inventory-service/x")).containsExactlyInAnyOrder(
                new ACL(Perms.ALL, new Id("auth", "")), new ACL(Perms.READ, new Id("world", "anyone")));
        assertThat(acls.getDefaultAcl()).isEqualTo(acls.getAclForPath("/any"));
    }

    @Configuration(proxyBeanMethods = false)
    static class EmptyApplication {

    }

    private static Binder binder(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties));
    }
}
