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
