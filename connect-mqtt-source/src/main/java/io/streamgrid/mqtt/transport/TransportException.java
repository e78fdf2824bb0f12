package io.streamgrid.mqtt.transport;

/** A failure of the MQTT client, with the client's reason code. */
public final class TransportException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int reasonCode;

    public TransportException(String message, int reasonCode, Throwable cause) {
        super(message, cause);
        this.reasonCode = reasonCode;
    }

    public int reasonCode() {
        return reasonCode;
    }
}
