package io.streamgrid.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sockets a set of processes listens on, read from Linux's {@code /proc}: each process's open socket inodes
 * ({@code /proc/<pid>/fd}) matched against the kernel's socket tables ({@code /proc/net/tcp}, {@code tcp6},
 * {@code udp}, {@code udp6}). What {@code ss -ltnup} shows, without depending on iproute2 being installed.
 */
final class OpenSockets {

    /** A TCP socket in LISTEN state or a UDP socket, with the address it is bound to. */
    record Listener(String protocol, InetAddress address, int port, long pid) {
        boolean onLoopback() {
            return address.isLoopbackAddress();
        }

        @Override
        public String toString() {
            return protocol + " " + address.getHostAddress() + ":" + port + " (pid " + pid + ")";
        }
    }

    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
    private static final String TCP_LISTEN = "0A";

    private OpenSockets() {
    }

    /** Every TCP listener and UDP socket of {@code processes}. */
    static List<Listener> listeners(List<ProcessHandle> processes) {
        List<Listener> found = new ArrayList<>();
        for (ProcessHandle process : processes) {
            Set<Long> inodes = socketInodes(process.pid());
            for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
                for (String line : table(protocol)) {
                    String[] fields = line.trim().split("\\s+");
                    boolean tcp = protocol.startsWith("tcp");
                    if (fields.length < 10 || (tcp && !fields[3].equals(TCP_LISTEN))
                            || !inodes.contains(Long.parseLong(fields[9]))) {
                        continue;
                    }
                    String[] local = fields[1].split(":");
                    found.add(new Listener(protocol, address(local[0]), Integer.parseInt(local[1], 16), process.pid()));
                }
            }
        }
        return found;
    }

    /** The process and everything it started, while they run. */
    static List<ProcessHandle> withDescendants(ProcessHandle process) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process);
        process.descendants().forEach(all::add);
        return all;
    }

    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    Matcher socket = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (socket.matches()) {
                        inodes.add(Long.parseLong(socket.group(1)));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while we looked
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (NoSuchFileException ended) {
            // the process ended while we looked
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    private static List<String> table(String protocol) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net", protocol));
            return lines.subList(Math.min(1, lines.size()), lines.size()); // without the header
        } catch (NoSuchFileException noIpv6) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An address as the kernel prints it: hexadecimal 32-bit words, each in the machine's (little-endian) byte
     * order. An IPv4-mapped IPv6 address comes back as the IPv4 address it maps.
     */
    static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + (3 - i)) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + hex, e);
        }
    }
}
