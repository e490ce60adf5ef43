package dev.meshkeeper.registry.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1 for tests that must name a port before something binds it (an ensemble's quorum and
 * election ports, a registry started in another process, a server restarted on the same port). The ports are free
 * when chosen; another process may still take one before the test binds it, so bind soon after.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One free port on 127.0.0.1. */
    public static int take() {
        return take(1)[0];
    }

    /** {@code count} distinct free ports on 127.0.0.1 (held together while chosen, so none repeats). */
    public static int[] take(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not find " + count + " free port(s) on 127.0.0.1", ex);
        }
        finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                }
                catch (IOException ex) {
                    // closing a probe socket cannot matter
                }
            }
        }
    }
}
