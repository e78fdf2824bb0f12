package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's HTTP answers, asked over a plain socket so that the test writes the {@code Host} header itself
 * (Java's HTTP client will not send a foreign one).
 */
class DashboardServerTest {

    private DashboardServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = new DashboardServer(0, Snapshots::sample);
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

    private String get(String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String request = "GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + "Connection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
