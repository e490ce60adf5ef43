package dev.meshkeeper.registry.security;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a registry user may do: a viewer reads, an operator also changes things. */
enum RegistryRole {

    VIEWER, OPERATOR;

    String authority() {
        return "ROLE_" + name();
    }

    /**
     * The authorities of a configured role list; an operator is also a viewer.
     * @param setting the property that holds the list, named in the error for an unknown role
     */
    static List<GrantedAuthority> authorities(List<String> roles, String setting) {
        Set<RegistryRole> granted = new LinkedHashSet<>();
        for (String role : roles) {
            RegistryRole parsed = Arrays.stream(values())
                    .filter(candidate -> candidate.name().equalsIgnoreCase(role.trim())).findFirst()
                    .orElseThrow(() -> new RegistryServerException(setting, role, "role '" + role + "' is unknown; use "
                            + Arrays.stream(values()).map(value -> value.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(" or "))));
            granted.add(parsed);
            if (parsed == OPERATOR) {
                granted.add(VIEWER);
            }
        }
        if (granted.isEmpty()) {
            throw new RegistryServerException(setting, null, "no role is given; use viewer and/or operator");
        }
        List<GrantedAuthority> authorities = new ArrayList<>();
        granted.forEach(role -> authorities.add(new SimpleGrantedAuthority(role.authority())));
        return authorities;
    }
}
