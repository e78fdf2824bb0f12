package io.streamgrid.coap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.californium.core.network.Endpoint;

/**
 * A client-mode task's endpoints: one for the coap:// servers it reads and one for the coaps:// ones, each opened
 * only when some server needs it. Every watch of the task sends through them, whatever the number of resources.
 */
final class ClientEndpoints {

    private final Endpoint plain;
    private final Endpoint secure;

    private ClientEndpoints(Endpoint plain, Endpoint secure) {
        this.plain = plain;
        this.secure = secure;
    }

    /** One endpoint for every server (tests, and validation of one server). */
    static ClientEndpoints of(Endpoint one) {
        return new ClientEndpoints(one, one);
    }

    /**
     * Opens the endpoints {@code plain} and {@code secure} ask for; an endpoint that cannot be made (no DTLS
     * material, a taken port) is a ConfigException or an IOException; the ones opened before are closed then.
     */
    static ClientEndpoints open(CoapClientConfig config, boolean plain, boolean secure, String secureTargetKey,
                                String secureTarget) throws IOException {
        if (plain && secure && config.bindPort() != 0) {
            throw new ConfigException(CoapClientConfig.BIND_PORT_CONFIG, config.bindPort(), "the task reads coap:// "
                    + "and coaps:// servers, which takes two UDP sockets: leave " + CoapClientConfig.BIND_PORT_CONFIG
                    + " at 0");
        }
        List<Endpoint> opened = new ArrayList<>(2);
        try {
            Endpoint plainEndpoint = plain ? start(CoapEndpoints.create(config, false, secureTargetKey, secureTarget),
                    opened) : null;
            Endpoint secureEndpoint = secure ? start(CoapEndpoints.create(config, true, secureTargetKey, secureTarget),
                    opened) : null;
            return new ClientEndpoints(plainEndpoint, secureEndpoint);
        } catch (IOException | RuntimeException e) {
            opened.forEach(Endpoint::destroy);
            throw e;
        }
    }

    private static Endpoint start(Endpoint endpoint, List<Endpoint> opened) throws IOException {
        opened.add(endpoint);
        endpoint.start();
        return endpoint;
    }

    /** The endpoint for {@code uri}'s scheme. */
    Endpoint forUri(CoapUri uri) {
        Endpoint endpoint = uri.secure() ? secure : plain;
        if (endpoint == null) {
            throw new IllegalStateException("the task opened no endpoint for " + uri.base());
        }
        return endpoint;
    }

    boolean started() {
        return (plain == null || plain.isStarted()) && (secure == null || secure.isStarted());
    }

    void destroy() {
        if (plain != null) {
            plain.destroy();
        }
        if (secure != null && secure != plain) {
            secure.destroy();
        }
    }
}
