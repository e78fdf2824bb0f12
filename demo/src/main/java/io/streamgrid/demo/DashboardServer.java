package io.streamgrid.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The web dashboard: three static files, {@code GET /api/snapshot}, the latest snapshot as JSON, which the page
 * polls every second, and {@code POST /api/commands}, a command for a device ({@code {"device_id": ..., "action":
 * ..., "value": ...}}), which the operator's console publishes ({@link CommandConsole}). The JDK's own HTTP server,
 * on 127.0.0.1 only: nothing to add to the demo's class path.
 *
 * <p>Loopback alone does not keep other sites out: a page elsewhere can point a host name of its own at 127.0.0.1
 * (DNS rebinding) and read the dashboard as same-origin. So a request must name the dashboard's own address in its
 * {@code Host} header, or it is refused. Every answer forbids the browser to sniff types or to run anything but the
 * dashboard's own files ({@code Content-Security-Policy}), and to be framed by another page. A command must come
 * from the dashboard's own page: its {@code Origin} must be the dashboard's, and its body JSON (a page elsewhere
 * cannot send that without the browser asking first, and the dashboard never allows it).
 */
final class DashboardServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_COMMAND_BYTES = 4096;
    /** The dashboard's own files and API only: no inline code, no other origin, no frames, no forms. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> FILES = Map.of("/", "index.html", "/index.html", "index.html",
            "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<Snapshot> snapshots;
    private final Set<String> hosts;
    private final CommandSender commands;

    /** What the dashboard's buttons send a command through. */
    @FunctionalInterface
    interface CommandSender {
        /** Sends a command; an {@link IllegalArgumentException} says why it was refused. */
        Snapshot.Command send(String deviceId, String action, Object value);
    }

    /** A dashboard without commands ({@code POST /api/commands} answers 503). {@code port} 0 takes any free port. */
    DashboardServer(int port, Supplier<Snapshot> snapshots) throws IOException {
        this(port, snapshots, null);
    }

    DashboardServer(int port, Supplier<Snapshot> snapshots, CommandSender commands) throws IOException {
        this.snapshots = snapshots;
        this.commands = commands;
        server = HttpServer.create(new InetSocketAddress(Loopback.HOST, port), 16);
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "dashboard-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        int bound = server.getAddress().getPort();
        hosts = Set.of(Loopback.HOST + ":" + bound, "localhost:" + bound);
        server.start();
    }

    String url() {
        return "http://" + Loopback.HOST + ":" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
                send(exchange, 403, "text/plain", ("this dashboard answers only requests for " + url()
                        + " (Host " + Loopback.HOST + ":" + server.getAddress().getPort() + ")")
                        .getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/api/commands")) {
                command(exchange);
            } else if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain", "only GET".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/api/snapshot")) {
                Snapshot snapshot = snapshots.get();
                if (snapshot == null) {
                    send(exchange, 503, "text/plain", "starting".getBytes(StandardCharsets.UTF_8));
                } else {
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(snapshot));
                }
            } else if (FILES.containsKey(path)) {
                String file = FILES.get(path);
                send(exchange, 200, contentType(file), resource(file));
            } else {
                send(exchange, 404, "text/plain", ("no " + path).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** {@code POST /api/commands}: the command as sent (200), or why not (400, 403, 405, 415, 503). */
    private void command(HttpExchange exchange) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, "text/plain", "POST a command".getBytes(StandardCharsets.UTF_8));
        } else if (origin == null || !hosts.contains(origin.toLowerCase(Locale.ROOT).replaceFirst("^http://", ""))) {
            send(exchange, 403, "text/plain", ("commands come from the dashboard's own page (Origin " + origin + ")")
                    .getBytes(StandardCharsets.UTF_8));
        } else if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            send(exchange, 415, "text/plain", "a command is JSON".getBytes(StandardCharsets.UTF_8));
        } else if (commands == null) {
            send(exchange, 503, "text/plain", "this dashboard sends no commands".getBytes(StandardCharsets.UTF_8));
        } else {
            try {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readNBytes(MAX_COMMAND_BYTES));
                JsonNode value = body.path("value");
                Snapshot.Command sent = commands.send(body.path("device_id").asText(null),
                        body.path("action").asText(null), value.isNumber() ? value.numberValue()
                                : value.isTextual() ? value.asText() : null);
                send(exchange, 200, "application/json", JSON.writeValueAsBytes(sent));
            } catch (IOException | IllegalArgumentException e) {
                send(exchange, 400, "text/plain", ("not a command: " + e.getMessage())
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream("/dashboard/" + file)) {
            if (in == null) {
                throw new IOException("dashboard file " + file + " is missing from the demo's jar");
            }
            return in.readAllBytes();
        }
    }

    private static String contentType(String file) {
        return file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js")
                ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
