package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Wiring and validation of {@code meshkeeper.registry.auth.*}, without starting a server (a server with
 * authentication runs in a process of its own: {@link RegistryZooKeeperAuthTest}).
 */
@Timeout(30)
class RegistryAuthConfigurationTests {

    /** {@code inventory-service:pw} as ZooKeeper's DigestAuthenticationProvider prints it. */
    private static final String INVENTORY_DIGEST = "inventory-service:E3399OxdQyvBc1LcjdRGq7fDfUo=";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withUserConfiguration(RegistryAuthConfiguration.class);

    @Test
    void authenticationIsOffByDefaultAndLeavesTheRegistryClientAsItIs() {
        this.contextRunner.run(context -> {
            assertThat(context).hasSingleBean(RegistryAuthentication.class);
            assertThat(context).doesNotHaveBean(RegistryAclLayout.class);
            CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
            context.getBean(RegistryAuthentication.class).configure(builder);
            assertThat(builder.getAuthInfos()).isNullOrEmpty();
            assertThat(builder.getAclProvider()).isInstanceOf(DefaultACLProvider.class);
        });
    }

    @Test
    void registryClientAuthenticatesAsTheAdministratorAndCreatesReadOnlyNodes() {
        RegistryAuthentication authentication = authentication(Map.of("inventory-service", INVENTORY_DIGEST));
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
        authentication.configure(builder);
        List<AuthInfo> auth = builder.getAuthInfos();
        assertThat(auth).singleElement().satisfies(info -> {
            assertThat(info.getScheme()).isEqualTo("digest");
            String credentials = new String(info.getAuth(), StandardCharsets.UTF_8);
            assertThat(credentials).startsWith("meshkeeper-registry:");
            assertThat(credentials.length()).isGreaterThan("meshkeeper-registry:".length() + 30);
        });
        assertThat(builder.getAclProvider().getAclForPath("/config/application/key"))
                .containsExactly(new ACL(Perms.READ, new Id("world", "anyone")));
        assertThat(builder.getAclProvider().getAclForPath("/config/inventory-service/key"))
                .containsExactly(new ACL(Perms.READ, new Id("digest", INVENTORY_DIGEST)));
    }

    @Test
    void digestIsAcceptedWithAndWithoutTheUserName() {
        assertThat(authentication(Map.of("inventory-service", INVENTORY_DIGEST)).applicationIds())
                .containsEntry("inventory-service", INVENTORY_DIGEST);
        assertThat(authentication(Map.of("inventory-service", "E3399OxdQyvBc1LcjdRGq7fDfUo=")).applicationIds())
                .containsEntry("inventory-service", INVENTORY_DIGEST);
    }

    @Test
    void digestMadeForAnotherUserFailsNamingThePropertyWithoutShowingTheDigest() {
        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> authentication(Map.of("order-service", INVENTORY_DIGEST)))
                .satisfies(ex -> {
                    assertThat(ex.getSetting()).isEqualTo("auth.applications.order-service.digest");
                    assertThat(ex.getValue()).isNull();
                })
                .withMessageContaining("made for the user 'inventory-service'")
                .withMessageNotContaining("E3399OxdQyvBc1LcjdRGq7fDfUo=");
    }

    @Test
    void clearTextPasswordInsteadOfADigestIsRejected() {
        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> authentication(Map.of("inventory-service", "my password!")))
                .satisfies(ex -> assertThat(ex.getSetting()).isEqualTo("auth.applications.inventory-service.digest"))
                .withMessageContaining("openssl dgst -binary -sha1").withMessageNotContaining("my password!");
        // base64 on its own is not enough: a digest has the length of a SHA1 hash
        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> authentication(Map.of("inventory-service", "c2VjcmV0LXBhc3N3b3Jk")));
    }

    @Test
    void applicationWithoutDigestIsRejected() {
        RegistryAuthProperties properties = new RegistryAuthProperties();
        properties.setEnabled(true);
        properties.getApplications().put("inventory-service", new RegistryAuthProperties.Application());
        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> new RegistryAuthentication(properties))
                .satisfies(ex -> assertThat(ex.getSetting()).isEqualTo("auth.applications.inventory-service.digest"))
                .withMessageContaining("has no digest");
    }

    @Test
    void badValuesFailStartUpWithADescriptionNamingTheProperty() {
        this.contextRunner.withPropertyValues("meshkeeper.registry.auth.enabled=true",
                "meshkeeper.registry.auth.applications.inventory-service.digest=not base64 at all")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new RegistryServerFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription())
                            .contains("meshkeeper.registry.auth.applications.inventory-service.digest")
                            .doesNotContain("not base64 at all");
                });
    }

    @Test
    void relativeOpenPathIsRejected() {
        RegistryAuthProperties properties = new RegistryAuthProperties();
        properties.getOpenPaths().add("meshkeeper/samples");
        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> new RegistryAuthentication(properties))
                .satisfies(ex -> assertThat(ex.getSetting()).isEqualTo("auth.open-paths"));
    }

    @Test
    void superDigestSetByAnotherHandFailsBeforeTheServerIsCreated() {
        String previous = System.getProperty(RegistryAuthentication.SUPER_DIGEST);
        System.setProperty(RegistryAuthentication.SUPER_DIGEST, "super:someone-elses-digest=");
        try {
            assertThatExceptionOfType(RegistryServerException.class)
                    .isThrownBy(() -> authentication(Map.of()).prepareServer())
                    .withMessageContaining(RegistryAuthentication.SUPER_DIGEST);
            assertThat(System.getProperty(RegistryAuthentication.ENFORCE_AUTH_ENABLED)).isNull();
        }
        finally {
            if (previous == null) {
                System.clearProperty(RegistryAuthentication.SUPER_DIGEST);
            }
            else {
                System.setProperty(RegistryAuthentication.SUPER_DIGEST, previous);
            }
        }
    }

    @Test
    void layoutProtectsConfigAndServicesAndOpensLockRootsParentsFirst() {
        RegistryAuthProperties properties = new RegistryAuthProperties();
        properties.setEnabled(true);
        properties.getApplications().put("inventory-service", application(INVENTORY_DIGEST));
        properties.getOpenPaths().add("/meshkeeper/samples/inventory");
        RegistryAclLayout layout = new RegistryAclLayout(null, new RegistryAuthentication(properties), null,
                List.of("/config", "/meshkeeper/config", "/meshkeeper/audit"), "/services",
                List.of("/meshkeeper/locks", "/meshkeeper/leaders"));

        Map<String, List<ACL>> nodes = layout.layout();

        List<ACL> read = List.of(new ACL(Perms.READ, new Id("world", "anyone")));
        List<ACL> readCreate = List.of(new ACL(Perms.READ | Perms.CREATE, new Id("world", "anyone")));
        assertThat(nodes).containsEntry("/", read).containsEntry("/config", read)
                .containsEntry("/meshkeeper", read)
                .containsEntry("/meshkeeper/config", RegistryAuthentication.REGISTRY_ONLY)
                .containsEntry("/meshkeeper/audit", RegistryAuthentication.REGISTRY_ONLY).containsEntry("/services", read)
                .containsEntry("/meshkeeper/samples", read).containsEntry("/meshkeeper/locks", readCreate)
                .containsEntry("/meshkeeper/leaders", readCreate)
                .containsEntry("/meshkeeper/samples/inventory", readCreate)
                .containsEntry("/services/inventory-service", List.of(
                        new ACL(Perms.CREATE | Perms.DELETE | Perms.READ, new Id("digest", INVENTORY_DIGEST)),
                        new ACL(Perms.READ, new Id("world", "anyone"))));
        List<String> order = new ArrayList<>(nodes.keySet());
        for (String path : order) {
            String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
            if (!path.equals("/")) {
                assertThat(order.indexOf(parent)).as("parent of " + path).isBetween(0, order.indexOf(path) - 1);
            }
        }
    }

    @Test
    void anApplicationReadsOnlyItsOwnConfigContextsAndTheSharedOne() {
        RegistryAuthProperties properties = new RegistryAuthProperties();
        properties.setEnabled(true);
        properties.getApplications().put("inventory-service", application(INVENTORY_DIGEST));
        RegistryAuthentication authentication = new RegistryAuthentication(properties);

        List<ACL> inventoryOnly = List.of(new ACL(Perms.READ, new Id("digest", INVENTORY_DIGEST)));
        List<ACL> everyone = List.of(new ACL(Perms.READ, new Id("world", "anyone")));
        assertThat(authentication.aclFor("/config/inventory-service")).isEqualTo(inventoryOnly);
        assertThat(authentication.aclFor("/config/inventory-service,prod/db/url")).isEqualTo(inventoryOnly);
        assertThat(authentication.aclFor("/config/application/greeting")).isEqualTo(everyone);
        assertThat(authentication.aclFor("/config/application,prod")).isEqualTo(everyone);
        assertThat(authentication.aclFor("/config/inventory-service-copy")).as("not a prefix match")
                .isEqualTo(RegistryAuthentication.REGISTRY_ONLY);
        assertThat(authentication.aclFor("/config/unlisted-service/key")).isEqualTo(RegistryAuthentication.REGISTRY_ONLY);
        assertThat(authentication.aclFor("/meshkeeper/config/inventory-service/history/3"))
                .isEqualTo(RegistryAuthentication.REGISTRY_ONLY);
        assertThat(authentication.aclFor("/meshkeeper/audit/entry-0000000001"))
                .isEqualTo(RegistryAuthentication.REGISTRY_ONLY);
        assertThat(authentication.aclFor("/config")).isEqualTo(everyone);
        assertThat(authentication.aclFor("/services/inventory-service")).isEqualTo(everyone);
    }

    private static RegistryAuthentication authentication(Map<String, String> digests) {
        RegistryAuthProperties properties = new RegistryAuthProperties();
        properties.setEnabled(true);
        digests.forEach((name, digest) -> properties.getApplications().put(name, application(digest)));
        return new RegistryAuthentication(properties);
    }

    private static RegistryAuthProperties.Application application(String digest) {
        RegistryAuthProperties.Application application = new RegistryAuthProperties.Application();
        application.setDigest(digest);
        return application;
    }
}
