package dev.meshkeeper.registry.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * What must hold before ZooKeeper starts, checked up front because ZooKeeper's embedded server would only log the
 * failure and wait: a known bind address, a writable data dir, free ports, and for an ensemble a member id that is
 * in the member list (whose {@code myid} file is written here). Each failure names the setting and the remedy.
 */
final class StartupChecks {

    private StartupChecks() {
    }

    static InetAddress resolveBindAddress(RegistryServerSettings settings) {
        try {
            return InetAddress.getByName(settings.bindAddress());
        }
        catch (UnknownHostException ex) {
            throw new RegistryServerException("bind-address", settings.bindAddress(), "bind address '"
                    + settings.bindAddress() + "' is not a known host or IP address; use an address of "
                    + "this machine, e.g. 127.0.0.1, or 0.0.0.0 for all interfaces", ex);
        }
    }

    static void prepareDataDir(RegistryServerSettings settings) {
        Path dataDir = settings.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
            Path probe = Files.createTempFile(dataDir, ".write-check", ".tmp");
            Files.delete(probe);
        }
        catch (IOException | SecurityException ex) {
            throw new RegistryServerException("data-dir", dataDir, "data dir " + dataDir
                    + " is not a writable directory (" + ex + "); point it at a directory this process can write, "
                    + "or fix its permissions", ex);
        }
    }

    static void prepareEnsemble(RegistryServerSettings settings) {
        Integer myId = settings.myId();
        String ids = settings.members().stream().map(member -> String.valueOf(member.id()))
                .collect(Collectors.joining(", "));
        if (myId == null) {
            throw new RegistryServerException("ensemble.my-id", null, "ensemble members (ids " + ids
                    + ") are configured but this member's id is not set; set it to one of " + ids);
        }
        EnsembleMember me = settings.members().stream().filter(member -> member.id() == myId).findFirst()
                .orElseThrow(() -> new RegistryServerException("ensemble.my-id", myId, "this member's id " + myId
                        + " is not in the ensemble list (ids " + ids + "); add member " + myId
                        + " to the list or set the id to one of " + ids));
        try {
            InetAddress quorumAddress = InetAddress.getByName(me.host());
            checkPortFree(quorumAddress, me.quorumPort(), "ensemble.members." + myId, "quorum port");
            checkPortFree(quorumAddress, me.electionPort(), "ensemble.members." + myId, "election port");
        }
        catch (UnknownHostException ex) {
            throw new RegistryServerException("ensemble.members." + myId, me.host(), "ensemble member " + myId
                    + " host '" + me.host() + "' is not a known host or IP address", ex);
        }
        try {
            Files.writeString(settings.dataDir().resolve("myid"), myId + "\n", StandardCharsets.US_ASCII);
        }
        catch (IOException ex) {
            throw new RegistryServerException("data-dir", settings.dataDir(), "cannot write "
                    + settings.dataDir().resolve("myid") + ": " + ex.getMessage(), ex);
        }
    }

    static void checkPortFree(InetAddress address, int port, String setting, String what) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        }
        catch (IOException ex) {
            throw new RegistryServerException(setting, port, "ZooKeeper " + what + " " + port + " on "
                    + address.getHostAddress() + " is already in use; stop the process that holds it or choose "
                    + "another port", ex);
        }
    }
}
