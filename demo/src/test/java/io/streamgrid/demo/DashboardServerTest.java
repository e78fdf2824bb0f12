package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's HTTP answers, asked over a plain socket so that the test writes the {@code Host} header itself
 * (Java's HTTP client will not send a foreign one), and the commands it takes.
 */
class DashboardServerTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private DashboardServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = new DashboardServer(0, Snapshots::sample, (device, action, value) -> {
            if (!CommandConsole.ACTIONS.contains(action)) {
                throw new IllegalArgumentException("action must be one of " + CommandConsole.ACTIONS);
            }
            sent.add(device + " " + action + " " + value);
            return new Snapshot.Command("c-1", device, action, String.valueOf(value), 1L, "published", null, 0, 0, 0);
        });
        port = URI.create(server.url()).getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersRequestsForItsOwnAddressWithSecurityHeaders() throws IOException {
        for (String path : new String[] {"/", "/dashboard.js", "/dashboard.css", "/api/snapshot"}) {
            String response = get(path, "127.0.0.1:" + port);
            assertThat(response).as(path).startsWith("HTTP/1.1 200")
                    .containsIgnoringCase("\r\nContent-Security-Policy: " + DashboardServer.CONTENT_SECURITY_POLICY)
                    .containsIgnoringCase("\r\nX-Content-Type-Options: nosniff");
        }
        assertThat(get("/api/snapshot", "localhost:" + port)).startsWith("HTTP/1.1 200").contains("\"devices\"");
    }

    @Test
    void refusesRequestsNamingAnotherHostSoARebindingPageCannotReadIt() throws IOException {
        for (String host : new String[] {"attacker.example:" + port, "attacker.example", "127.0.0.1:" + (port + 1),
                "127.0.0.1.attacker.example:" + port}) {
            String response = get("/api/snapshot", host);
            assertThat(response).as(host).startsWith("HTTP/1.1 403").doesNotContain("\"devices\"")
                    .containsIgnoringCase("\r\nX-Content-Type-Options: nosniff");
        }
        assertThat(get("/", null)).as("no Host header").startsWith("HTTP/1.1 403");
    }

    @Test
    void takesACommandFromItsOwnPageAndHandsItToTheConsole() throws IOException {
        String response = post("127.0.0.1:" + port, "http://127.0.0.1:" + port, "application/json",
                "{\"device_id\": \"device-2\", \"action\": \"interval\", \"value\": 250}");
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"commandId\":\"c-1\"", "\"state\":\"published\"");
        assertThat(sent).containsExactly("device-2 interval 250");
        assertThat(post("127.0.0.1:" + port, "http://127.0.0.1:" + port, "application/json",
                "{\"device_id\": \"device-2\", \"action\": \"reboot\", \"value\": 1}"))
                .as("an action no device takes").startsWith("HTTP/1.1 400").contains("action must be one of");
        assertThat(sent).hasSize(1);
    }

    @Test
    void refusesCommandsFromOtherPagesAndFormsSoNoSiteCanCommandTheDevices() throws IOException {
        String command = "{\"device_id\": \"device-2\", \"action\": \"led\", \"value\": \"on\"}";
        assertThat(post("127.0.0.1:" + port, "http://attacker.example", "application/json", command))
                .as("another page's origin").startsWith("HTTP/1.1 403");
        assertThat(post("127.0.0.1:" + port, null, "application/json", command)).as("no origin")
                .startsWith("HTTP/1.1 403");
        assertThat(post("127.0.0.1:" + port, "http://127.0.0.1:" + port, "text/plain", command))
                .as("a form's body, which a page elsewhere may send without asking").startsWith("HTTP/1.1 415");
        assertThat(post("attacker.example:" + port, "http://attacker.example:" + port, "application/json", command))
                .as("a rebinding page").startsWith("HTTP/1.1 403");
        assertThat(get("/api/commands", "127.0.0.1:" + port)).startsWith("HTTP/1.1 405");
        assertThat(sent).isEmpty();
    }

    private String post(String host, String origin, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange("POST /api/commands HTTP/1.1\r\nHost: " + host + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
    }

    private String get(String path, String host) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                + "Connection: close\r\n\r\n");
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
