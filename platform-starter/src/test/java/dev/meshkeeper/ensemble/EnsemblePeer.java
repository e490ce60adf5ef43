package dev.meshkeeper.ensemble;

import dev.meshkeeper.registry.server.EnsembleMember;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One ZooKeeper quorum peer (a registry server ensemble member) in a JVM of its own, started by {@link PeerProcess}.
 * <p>
 * Arguments: {@code <myId> <dataDir> <id>=<host:quorumPort:electionPort;host:clientPort>,...}. Prints
 * {@value #READY} followed by the member id once the server listens on its client port. SIGTERM stops the server
 * (shutdown hook); SIGKILL is what the failure tests use. The peer also exits when its standard input reaches its
 * end, i.e. when the test JVM that started it is gone, so a crashed build leaves no peers behind.
 */
final class EnsemblePeer {

    static final String READY = "ENSEMBLE-PEER READY ";

    private EnsemblePeer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: EnsemblePeer <myId> <dataDir> <id>=<host:quorumPort:electionPort;host:clientPort>,...");
            System.exit(2);
        }
        int myId = Integer.parseInt(args[0]);
        RegistryServerSettings.Builder settings = RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .dataDir(Path.of(args[1])).tickTime(Duration.ofMillis(200)).maxSessionTimeout(Duration.ofSeconds(20))
                .purgeInterval(Duration.ZERO).myId(myId).startupTimeout(Duration.ofSeconds(60));
        for (String member : args[2].split(",")) {
            int equals = member.indexOf('=');
            EnsembleMember parsed = EnsembleMember.parse(Integer.parseInt(member.substring(0, equals)),
                    member.substring(equals + 1));
            settings.member(parsed);
            if (parsed.id() == myId) {
                settings.clientPort(parsed.clientPort());
            }
        }
        RegistryServer server = new RegistryServer(settings.build());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ensemble-peer-shutdown"));
        System.out.println(READY + myId + " " + server.clientPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is ever sent: the read only returns at the end of the stream.
        }
        System.exit(0);
    }
}
