package dev.meshkeeper.registry.server;

import java.util.Properties;

/**
 * The configuration handed to ZooKeeper's embedded server: the raw ZooKeeper keys of the settings first, then the
 * typed settings, so that a raw key can never silently override a typed one (it fails naming the typed setting).
 */
final class ZooKeeperConfiguration {

    private ZooKeeperConfiguration() {
    }

    /**
     * ZooKeeper's properties for {@code settings}, with the ports actually in use.
     * @param secureClientPort the TLS client port, or {@code null} for none
     * @throws RegistryServerException when a raw key duplicates a typed setting
     */
    static Properties of(RegistryServerSettings settings, int clientPort, Integer secureClientPort) {
        Properties properties = new Properties();
        settings.zooKeeperProperties().forEach((key, value) -> {
            String canonical = ZooKeeperConfigKeys.canonical(key);
            String modelled = ZooKeeperConfigKeys.MODELLED.get(canonical);
            if (modelled != null) {
                throw new RegistryServerException("zookeeper." + key, value, "raw ZooKeeper key '" + canonical
                        + "' is also a typed setting; set '" + modelled + "' instead");
            }
            properties.setProperty(canonical, value);
        });
        properties.putIfAbsent("admin.enableServer", "false");
        properties.setProperty("dataDir", settings.dataDir().toAbsolutePath().toString());
        if (settings.clientPortEnabled()) {
            properties.setProperty("clientPort", String.valueOf(clientPort));
            properties.setProperty("clientPortAddress", settings.bindAddress());
        }
        if (secureClientPort != null) {
            // Only the port goes here: key and trust stores and their passwords are zookeeper.ssl.* system
            // properties, so no secret is ever part of the configuration ZooKeeper writes to the base dir.
            if (properties.containsKey("secureClientPort")) {
                throw new RegistryServerException("zookeeper.secureClientPort", properties.get("secureClientPort"),
                        "raw ZooKeeper key 'secureClientPort' is also a typed setting; set 'tls.secure-client-port' "
                                + "instead");
            }
            properties.setProperty("secureClientPort", String.valueOf(secureClientPort));
            properties.setProperty("secureClientPortAddress", settings.bindAddress());
            properties.putIfAbsent("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        }
        properties.setProperty("tickTime", String.valueOf(settings.tickTime().toMillis()));
        if (settings.minSessionTimeout() != null) {
            properties.setProperty("minSessionTimeout", String.valueOf(settings.minSessionTimeout().toMillis()));
        }
        if (settings.maxSessionTimeout() != null) {
            properties.setProperty("maxSessionTimeout", String.valueOf(settings.maxSessionTimeout().toMillis()));
        }
        properties.setProperty("maxClientCnxns", String.valueOf(settings.maxClientConnections()));
        // Purging runs on our own scheduler, which stops with the server (ZooKeeper's would outlive it).
        properties.setProperty("autopurge.purgeInterval", "0");
        if (settings.isEnsemble()) {
            properties.putIfAbsent("initLimit", "10");
            properties.putIfAbsent("syncLimit", "5");
            for (EnsembleMember member : settings.members()) {
                properties.setProperty("server." + member.id(), member.toSpec());
            }
        }
        return properties;
    }
}
