package io.streamgrid.coap.sink;

import org.eclipse.californium.core.coap.CoAP;

/**
 * What became of a record's request, as the reporter writes it: the device's answer (code, round trip, payload) or
 * why there was none.
 *
 * @param code                  the response code, or null when no response came
 * @param rttMs                 the last attempt's round trip in milliseconds, or -1 without a response
 * @param responsePayload       the response's payload (empty when it had none, or without a response)
 * @param responseContentFormat the response's Content-Format, or -1 when it named none
 * @param error                 why the request failed or was never sent, or null when the device answered 2.xx
 * @param attempts              how many times the request was sent
 * @param sentAtMs              when the first attempt was sent (epoch ms), or -1 when none was
 * @param completedAtMs         when the outcome was known (epoch ms)
 */
record Outcome(Kind kind, CoAP.ResponseCode code, long rttMs, byte[] responsePayload, int responseContentFormat,
               String error, int attempts, long sentAtMs, long completedAtMs) {

    enum Kind {
        /** The device answered 2.xx. */
        DELIVERED,
        /** The device answered 4.xx: the request is wrong and would be wrong again, so it is a bad record. */
        REJECTED,
        /** 5.xx, no answer or no route to the device, every retry included. */
        FAILED,
        /** The record could not be made into a request (its URI or payload); nothing was sent. */
        INVALID
    }

    static Outcome invalid(String error) {
        return new Outcome(Kind.INVALID, null, -1, new byte[0], -1, error, 0, -1, System.currentTimeMillis());
    }

    /** {@code 2.04} and so on. */
    static String text(CoAP.ResponseCode code) {
        return code.codeClass + "." + (code.codeDetail < 10 ? "0" : "") + code.codeDetail;
    }
}
