package dev.meshkeeper.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Digest authentication and creator-owned ACLs for both of Spring Cloud Zookeeper's Curator clients, from
 * {@code meshkeeper.zookeeper.auth.username} and {@code .password}. With both set, each client sends the digest
 * credentials on every (re)connection, so a server that requires authentication accepts it, and every node it
 * creates gets the ACL "creator: all, everyone: read". With neither set nothing changes. Setting only one of them
 * fails start-up with an error naming the missing property.
 * <p>
 * Curator sends the credentials again on every reconnection and with every new session, so a suspended or lost
 * connection changes nothing about them. A server that rejects them closes the session: the application then
 * behaves as when ZooKeeper is unreachable. The password is sent to ZooKeeper only; it is never logged nor shown.
 */
public class ZooKeeperAuthentication implements ZooKeeperClientCustomizer {

    /** ZooKeeper's digest scheme: {@code user:password}, checked by the server against {@code user:base64(sha1)}. */
    static final String SCHEME = "digest";

    @Override
    public void customize(CuratorFrameworkFactory.Builder builder, Binder binder) {
        ZooKeeperAuthenticationProperties properties = binder
                .bind(ZooKeeperAuthenticationProperties.PREFIX, Bindable.of(ZooKeeperAuthenticationProperties.class))
                .orElseGet(ZooKeeperAuthenticationProperties::new);
        if (!validated(properties)) {
            return;
        }
        List<AuthInfo> authInfos = new ArrayList<>();
        if (builder.getAuthInfos() != null) {
            authInfos.addAll(builder.getAuthInfos());
        }
        authInfos.add(new AuthInfo(SCHEME, (properties.getUsername() + ":" + properties.getPassword())
                .getBytes(StandardCharsets.UTF_8)));
        builder.authorization(authInfos).aclProvider(new CreatorWritesAclProvider());
    }

    /**
     * Whether credentials are configured.
     * @throws InvalidConfigurationPropertyValueException when only one of username and password is set, or the
     * username cannot be a digest user name
     */
    static boolean validated(ZooKeeperAuthenticationProperties properties) {
        boolean username = StringUtils.hasText(properties.getUsername());
        boolean password = StringUtils.hasText(properties.getPassword());
        if (!username && !password) {
            return false;
        }
        if (!password) {
            throw new InvalidConfigurationPropertyValueException(ZooKeeperAuthenticationProperties.PREFIX + ".password",
                    null, ZooKeeperAuthenticationProperties.PREFIX + ".username is set ('" + properties.getUsername()
                            + "') but " + ZooKeeperAuthenticationProperties.PREFIX + ".password is not; set the "
                            + "password of that ZooKeeper digest identity, or remove the username to connect "
                            + "without authentication");
        }
        if (!username) {
            throw new InvalidConfigurationPropertyValueException(ZooKeeperAuthenticationProperties.PREFIX + ".username",
                    null, ZooKeeperAuthenticationProperties.PREFIX + ".password is set but "
                            + ZooKeeperAuthenticationProperties.PREFIX + ".username is not; set the ZooKeeper digest "
                            + "user name (on a Meshkeeper registry server: the service name), or remove the password");
        }
        if (properties.getUsername().contains(":") || !properties.getUsername().equals(properties.getUsername().trim())) {
            throw new InvalidConfigurationPropertyValueException(ZooKeeperAuthenticationProperties.PREFIX + ".username",
                    properties.getUsername(), "a ZooKeeper digest user name cannot contain ':' nor start or end "
                            + "with a space; use the service name, e.g. inventory-service");
        }
        return true;
    }
}
