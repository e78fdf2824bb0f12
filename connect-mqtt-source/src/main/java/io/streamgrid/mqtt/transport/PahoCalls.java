package io.streamgrid.mqtt.transport;

/** Runs a call of either Paho client, turning its MqttException (a class of each version) into ours. */
final class PahoCalls {

    /** A call that may throw either client's MqttException. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    private PahoCalls() {
    }

    static <T> T call(Call<T> call) throws TransportException {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw failure(e);
        }
    }

    /**
     * The MQTT 5 reason code (0x80 to 0xFF) of a failure the broker caused by refusing something, or -1; the
     * clients' own failures have codes of their own (32000 and above), 3.1.1 brokers have none.
     */
    static int brokerReasonCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof org.eclipse.paho.mqttv5.common.MqttException v5) {
                int code = v5.getReasonCode();
                return code >= 0x80 && code <= 0xFF ? code : -1;
            }
        }
        return -1;
    }

    /** Either client's MqttException as ours, with its reason code. */
    static TransportException failure(Exception e) {
        if (e instanceof org.eclipse.paho.client.mqttv3.MqttException v3) {
            return new TransportException(v3.getMessage(), v3.getReasonCode(), v3);
        }
        if (e instanceof org.eclipse.paho.mqttv5.common.MqttException v5) {
            return new TransportException(v5.getMessage(), v5.getReasonCode(), v5);
        }
        return new TransportException(e.toString(), 0, e);
    }
}
