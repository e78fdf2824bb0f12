package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgrid.coap.CoapEndpoints;
import io.streamgrid.coap.TestDevices;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the sink's endpoint keeps per device, for a fleet larger than Californium's defaults foresee: it tracks the
 * message ids of at most MAX_ACTIVE_PEERS (150,000) devices at once, and by default forgets a device only after
 * 10 minutes without a message, so a task that sent to more devices than that within 10 minutes could send to no
 * new one ("No MID available, max. peers ... exhausted").
 */
@Timeout(30)
class FleetLimitsTest {

    private static CoapSinkConfig config(String exchangeLifetime, String nonLifetime) {
        return new CoapSinkConfig(Map.of("connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM commands",
                "connect.coap.exchange.lifetime", exchangeLifetime, "connect.coap.non.lifetime", nonLifetime));
    }

    @Test
    void aDevicesMessageIdsAreForgottenOnceNoneIsWithinTheExchangeLifetime() {
        Endpoint endpoint = CoapEndpoints.create(config("12500", "5000").client(), false, "", "");
        try {
            assertThat(endpoint.getConfig().get(CoapConfig.MAX_PEER_INACTIVITY_PERIOD, TimeUnit.MILLISECONDS))
                    .as("the longer lifetime, in whole seconds as Californium reads it").isEqualTo(13_000);
            assertThat(endpoint.getConfig().get(CoapConfig.MAX_ACTIVE_PEERS)).isEqualTo(150_000);
        } finally {
            endpoint.destroy();
        }
    }

    @Test
    void aDeviceQuietForAnExchangeLifetimeMakesRoomForTheNextOne() throws Exception {
        Configuration configuration = CoapEndpoints.configuration(config("2000", "1000").client());
        configuration.set(CoapConfig.MAX_ACTIVE_PEERS, 1); // Californium's 150,000, made small enough to reach
        Endpoint endpoint = new CoapEndpoint.Builder().setConfiguration(configuration)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        endpoint.start();
        try (TestDevices first = TestDevices.plain("d0"); TestDevices second = TestDevices.plain("d0")) {
            assertThat(put(endpoint, first).code()).isEqualTo(CoAP.ResponseCode.CHANGED);

            Sent refused = put(endpoint, second);
            assertThat(refused.sendError()).as("the one device tracked was heard from just now")
                    .hasMessageContaining("message IDs exhausted");
            await("the second device, once the first has been quiet for the exchange lifetime (2 s), not 10 minutes")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> put(endpoint, second).code() == CoAP.ResponseCode.CHANGED);
        } finally {
            endpoint.destroy();
        }
    }

    /** A request's answer (null without one) or why it could not be sent (null when it was). */
    private record Sent(CoAP.ResponseCode code, Throwable sendError) {
    }

    /** A PUT to the device's LED, waited for: answered, or failed to send. */
    private static Sent put(Endpoint endpoint, TestDevices devices) throws InterruptedException {
        Request request = Request.newPut();
        request.setURI(devices.uri() + "/actuators/d0/led");
        request.setPayload("on");
        endpoint.sendRequest(request);
        Response response = request.waitForResponse(5_000);
        return new Sent(response == null ? null : response.getCode(), request.getSendError());
    }
}
