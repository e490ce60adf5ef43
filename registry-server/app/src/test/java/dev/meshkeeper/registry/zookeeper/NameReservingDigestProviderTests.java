package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class NameReservingDigestProviderTests {

    private static final String INVENTORY = "inventory-service:E3399OxdQyvBc1LcjdRGq7fDfUo=";

    private static final String ORDERS = "order-service:xidNnFAeZP5lJcQDb0O0yrVofe0=";

    private final Map<String, List<String>> reservations = Map.of(INVENTORY, List.of("stock-*", "billing"));

    @Test
    void aReservedPrefixOrNameIsCreatedOnlyByItsOwner() {
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, INVENTORY, "/meshkeeper/locks/stock-1"))
                .isTrue();
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, ORDERS, "/meshkeeper/locks/stock-1"))
                .isFalse();
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, ORDERS, "/meshkeeper/leaders/billing"))
                .isFalse();
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, "inventory-service:wrong-hash",
                "/meshkeeper/locks/stock-1")).as("the owner's name with another password").isFalse();
    }

    @Test
    void namesNobodyReservedAreOpenToEveryApplication() {
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, ORDERS, "/meshkeeper/locks/orders-1"))
                .isTrue();
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, ORDERS, "/meshkeeper/leaders/billing-2"))
                .as("an exact name reserves that name only").isTrue();
        assertThat(NameReservingDigestProvider.mayCreate(this.reservations, ORDERS, "/meshkeeper/locks/stock"))
                .as("stock-* reserves names starting with stock-").isTrue();
    }

    @Test
    void aNameReservedTwiceOrAPatternThatIsNoNameFailsStartUpNamingTheProperty() {
        RegistryAuthProperties twice = new RegistryAuthProperties();
        twice.getApplications().put("inventory-service", application(INVENTORY, "stock-*"));
        twice.getApplications().put("order-service", application(ORDERS, "stock-*"));
        assertThatExceptionOfType(RegistryServerException.class).isThrownBy(() -> new RegistryAuthentication(twice))
                .withMessageContaining("meshkeeper.registry.auth.applications.order-service.names")
                .withMessageContaining("inventory-service");

        RegistryAuthProperties path = new RegistryAuthProperties();
        path.getApplications().put("inventory-service", application(INVENTORY, "stock/*"));
        assertThatExceptionOfType(RegistryServerException.class).isThrownBy(() -> new RegistryAuthentication(path))
                .withMessageContaining("meshkeeper.registry.auth.applications.inventory-service.names")
                .withMessageContaining("stock-*");
    }

    private static RegistryAuthProperties.Application application(String digest, String... names) {
        RegistryAuthProperties.Application application = new RegistryAuthProperties.Application();
        application.setDigest(digest);
        application.setNames(List.of(names));
        return application;
    }
}
