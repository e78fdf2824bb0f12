package io.streamgrid.coap.server;

import java.security.Principal;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/**
 * Who a request came from, as DTLS proved it: a PSK identity, or the common name of a certificate the CA signed
 * (its whole subject in {@code subject}); {@code name} null for plain UDP, where only the path can name a device.
 */
record DeviceIdentity(String authentication, String name, String subject) {

    static final DeviceIdentity NONE = new DeviceIdentity("none", null, null);

    static DeviceIdentity of(Principal peer) {
        if (peer instanceof PreSharedKeyIdentity psk) {
            return new DeviceIdentity("psk", psk.getIdentity(), psk.getIdentity());
        }
        if (peer instanceof X509CertPath certificate) {
            String subject = certificate.getTarget().getSubjectX500Principal().getName();
            String cn = certificate.getCN();
            return new DeviceIdentity("x509", cn == null ? subject : cn, subject);
        }
        if (peer != null) {
            return new DeviceIdentity("rpk", peer.getName(), peer.getName());
        }
        return NONE;
    }

    boolean isPsk() {
        return "psk".equals(authentication);
    }

    boolean authenticated() {
        return name != null;
    }
}
