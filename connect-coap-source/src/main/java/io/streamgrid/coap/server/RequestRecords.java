package io.streamgrid.coap.server;

import io.streamgrid.coap.CoapPayloads;
import java.util.Locale;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;

/**
 * The record a device's request becomes in server mode: who sent it (the identity it proved, or the one its path
 * names, and its address), what it asked (method, path, query, content format) and its payload, as text where the
 * content format is printable (JSON text for CBOR) and always as the bytes received.
 */
public final class RequestRecords {

    /** The default key: the device, or the path when no device is known. */
    static final Schema KEY_SCHEMA = Schema.OPTIONAL_STRING_SCHEMA;

    public static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name("io.streamgrid.coap.CoapRequest")
            .doc("A CoAP request a device sent to the connector")
            .field("ingest_time", Schema.INT64_SCHEMA)
            .field("device_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("authentication", Schema.STRING_SCHEMA)
            .field("source", Schema.STRING_SCHEMA)
            .field("method", Schema.STRING_SCHEMA)
            .field("path", Schema.STRING_SCHEMA)
            .field("query", Schema.OPTIONAL_STRING_SCHEMA)
            .field("content_format", Schema.OPTIONAL_INT32_SCHEMA)
            .field("message_id", Schema.INT32_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("token", Schema.STRING_SCHEMA)
            .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload_bytes", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();

    private RequestRecords() {
    }

    /** The path of a request without its leading '/', as statements match it. */
    static String path(Request request) {
        return request.getOptions().getUriPathString();
    }

    static Struct value(Request request, DeviceIdentity identity, String deviceId, long ingestTimeMs) {
        OptionSet options = request.getOptions();
        byte[] payload = request.getPayload() == null ? new byte[0] : request.getPayload();
        int contentFormat = options.hasContentFormat() ? options.getContentFormat() : -1;
        return new Struct(VALUE_SCHEMA)
                .put("ingest_time", ingestTimeMs)
                .put("device_id", deviceId)
                .put("authentication", identity.authentication())
                .put("source", request.getSourceContext().getPeerAddress().getHostString() + ":"
                        + request.getSourceContext().getPeerAddress().getPort())
                .put("method", request.getCode().name())
                .put("path", path(request))
                .put("query", options.getURIQueryCount() == 0 ? null : options.getUriQueryString())
                .put("content_format", contentFormat < 0 ? null : contentFormat)
                .put("message_id", request.getMID())
                .put("type", String.valueOf(request.getType()))
                .put("token", request.getTokenString().toLowerCase(Locale.ROOT))
                .put("payload", CoapPayloads.text(payload, contentFormat))
                .put("payload_bytes", payload);
    }
}
