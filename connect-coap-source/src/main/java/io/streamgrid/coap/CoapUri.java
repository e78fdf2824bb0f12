package io.streamgrid.coap;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** A coap:// or coaps:// server address, and the resources on it. */
record CoapUri(boolean secure, String host, int port, String path, String query) {

    static final int DEFAULT_PORT = 5683;
    static final int DEFAULT_SECURE_PORT = 5684;

    /** Whether a statement's FROM names a whole URI ({@code coap://10.1.2.3/sensors/temp}) rather than a path. */
    static boolean isAbsolute(String source) {
        String lower = source.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("coap://") || lower.startsWith("coaps://");
    }

    /** A whole resource URI: its server and its path and query; a bad one is an IllegalArgumentException. */
    static CoapUri parse(String uri) {
        CoapUri server = server(uri);
        URI parsed = URI.create(uri.trim());
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        return server.resource(path + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery()));
    }

    /** This URI's server, without path and query. */
    CoapUri server() {
        return new CoapUri(secure, host, port, null, null);
    }

    /** The server of a connector's {@code connect.coap.uri}; a bad one is an IllegalArgumentException saying why. */
    static CoapUri server(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + e.getMessage());
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("coap") && !scheme.equals("coaps")) {
            throw new IllegalArgumentException("use coap://host:port or coaps://host:port");
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        boolean secure = scheme.equals("coaps");
        int port = parsed.getPort() > 0 ? parsed.getPort() : secure ? DEFAULT_SECURE_PORT : DEFAULT_PORT;
        return new CoapUri(secure, parsed.getHost(), port, null, null);
    }

    /** A resource on this server; {@code resource} is a path like {@code sensors/temp}, maybe with {@code ?query}. */
    CoapUri resource(String resource) {
        String trimmed = resource.startsWith("/") ? resource.substring(1) : resource;
        int q = trimmed.indexOf('?');
        return new CoapUri(secure, host, port, q < 0 ? trimmed : trimmed.substring(0, q), q < 0 ? null : trimmed.substring(q + 1));
    }

    String base() {
        return (secure ? "coaps" : "coap") + "://" + host + ":" + port;
    }

    String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return base() + "/" + (path == null ? "" : path) + (query == null ? "" : "?" + query);
    }
}
