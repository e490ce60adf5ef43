package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ApplicationIdentitiesTests {

    @Test
    void bareHashOrNameColonHashBecomesTheDigestId() throws Exception {
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA1")
                .digest("orders:secret".getBytes(StandardCharsets.UTF_8)));

        assertThat(ApplicationIdentities.digestId("orders", hash)).isEqualTo("orders:" + hash);
        assertThat(ApplicationIdentities.digestId("orders", " orders:" + hash + " ")).isEqualTo("orders:" + hash);
    }

    @Test
    void passwordInsteadOfDigestIsRejectedWithoutRepeatingItAndSaysHowToComputeOne() {
        assertThatThrownBy(() -> ApplicationIdentities.digestId("orders", "my-plain-password"))
                .isInstanceOfSatisfying(RegistryServerException.class, (ex) -> {
                    assertThat(ex.getSetting()).isEqualTo("auth.applications.orders.digest");
                    assertThat(ex.getMessage()).doesNotContain("my-plain-password").contains("openssl dgst");
                });
    }

    @Test
    void digestOfAnotherUserOrAMissingDigestOrAnUnusableNameIsRejected() {
        assertThatThrownBy(() -> ApplicationIdentities.digestId("orders", "billing:abc="))
                .hasMessageContaining("made for the user 'billing'");
        assertThatThrownBy(() -> ApplicationIdentities.digestId("orders", " ")).hasMessageContaining("has no digest");
        assertThatThrownBy(() -> ApplicationIdentities.digestId("a:b", "x")).hasMessageContaining("cannot be");
    }

    @Test
    void reservedNamesAreNamesOrPrefixesEndingInOneStar() {
        assertThatCode(() -> ApplicationIdentities.checkNamePattern("orders", "stock-*")).doesNotThrowAnyException();
        assertThatCode(() -> ApplicationIdentities.checkNamePattern("orders", "billing")).doesNotThrowAnyException();
        for (String pattern : new String[] { "*", "a*b*", "locks/x", "" }) {
            assertThatThrownBy(() -> ApplicationIdentities.checkNamePattern("orders", pattern))
                    .isInstanceOfSatisfying(RegistryServerException.class,
                            (ex) -> assertThat(ex.getSetting()).isEqualTo("auth.applications.orders.names"));
        }
    }
}
