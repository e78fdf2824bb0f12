package io.streamgrid.coap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.util.StringUtil;

/**
 * The record a CoAP response becomes: the seed's fields, with types that hold Californium's values, the
 * request's URI options in {@code uri_*}, {@code payload} as text for printable content formats, and the raw
 * bytes always in {@code payload_bytes}.
 */
final class CoapRecords {

    static final Schema KEY_SCHEMA = SchemaBuilder.struct().name("io.streamgrid.coap.CoapKey")
            .field("source", Schema.STRING_SCHEMA)
            .field("resource", Schema.STRING_SCHEMA)
            .build();

    static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name("io.streamgrid.coap.CoapResponse")
            .doc("A CoAP response or notification")
            .field("ingest_time", Schema.INT64_SCHEMA)
            .field("message_id", Schema.INT32_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("code", Schema.STRING_SCHEMA)
            .field("raw_code", Schema.INT32_SCHEMA)
            .field("rtt", Schema.OPTIONAL_INT64_SCHEMA)
            .field("is_last", Schema.BOOLEAN_SCHEMA)
            .field("is_notification", Schema.BOOLEAN_SCHEMA)
            .field("source", Schema.STRING_SCHEMA)
            .field("destination", Schema.OPTIONAL_STRING_SCHEMA)
            .field("timestamp", Schema.INT64_SCHEMA)
            .field("token", Schema.STRING_SCHEMA)
            .field("is_duplicate", Schema.BOOLEAN_SCHEMA)
            .field("is_confirmable", Schema.BOOLEAN_SCHEMA)
            .field("is_rejected", Schema.BOOLEAN_SCHEMA)
            .field("is_acknowledged", Schema.BOOLEAN_SCHEMA)
            .field("is_canceled", Schema.BOOLEAN_SCHEMA)
            .field("accept", Schema.OPTIONAL_INT32_SCHEMA)
            .field("block1", Schema.OPTIONAL_STRING_SCHEMA)
            .field("block2", Schema.OPTIONAL_STRING_SCHEMA)
            .field("content_format", Schema.OPTIONAL_INT32_SCHEMA)
            .field("etags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("location_path", Schema.OPTIONAL_STRING_SCHEMA)
            .field("location_query", Schema.OPTIONAL_STRING_SCHEMA)
            .field("max_age", Schema.INT64_SCHEMA)
            .field("observe", Schema.OPTIONAL_INT32_SCHEMA)
            .field("proxy_uri", Schema.OPTIONAL_STRING_SCHEMA)
            .field("size_1", Schema.OPTIONAL_INT32_SCHEMA)
            .field("size_2", Schema.OPTIONAL_INT32_SCHEMA)
            .field("uri_host", Schema.OPTIONAL_STRING_SCHEMA)
            .field("uri_port", Schema.OPTIONAL_INT32_SCHEMA)
            .field("uri_path", Schema.OPTIONAL_STRING_SCHEMA)
            .field("uri_query", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload_bytes", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();

    /** RFC 7252 5.10.5: a response without Max-Age is fresh for 60 s (and servers leave that default off the wire). */
    static final long DEFAULT_MAX_AGE_SECONDS = 60;

    private CoapRecords() {
    }

    static Struct key(String source, String resource) {
        return new Struct(KEY_SCHEMA).put("source", source).put("resource", resource);
    }

    /**
     * @param request the URI the request went to: host, port, path and query fill the {@code uri_*} fields
     */
    static Struct value(Response response, CoapUri request, long ingestTimeMs) {
        OptionSet options = response.getOptions();
        long ageNanos = System.nanoTime() - response.getNanoTimestamp();
        long receivedMs = response.getNanoTimestamp() == 0 ? ingestTimeMs
                : ingestTimeMs - TimeUnit.NANOSECONDS.toMillis(Math.max(0, ageNanos));
        Long rtt = response.getApplicationRttNanos();
        List<String> etags = new ArrayList<>();
        options.getETags().forEach(tag -> etags.add(StringUtil.byteArray2Hex(tag).toLowerCase(Locale.ROOT)));
        byte[] payload = response.getPayload() == null ? new byte[0] : response.getPayload();
        int contentFormat = options.hasContentFormat() ? options.getContentFormat() : -1;
        return new Struct(VALUE_SCHEMA)
                .put("ingest_time", ingestTimeMs)
                .put("message_id", response.getMID())
                .put("type", String.valueOf(response.getType()))
                .put("code", response.getCode().text)
                .put("raw_code", response.getRawCode())
                .put("rtt", rtt == null ? null : TimeUnit.NANOSECONDS.toMillis(rtt))
                .put("is_last", !options.hasBlock2() || !options.getBlock2().isM())
                .put("is_notification", response.isNotification())
                .put("source", address(response.getSourceContext()))
                .put("destination", response.getLocalAddress() == null ? null
                        : response.getLocalAddress().getHostString() + ":" + response.getLocalAddress().getPort())
                .put("timestamp", receivedMs)
                .put("token", response.getTokenString().toLowerCase(Locale.ROOT)) // lower-case hex, as the seed shows
                .put("is_duplicate", response.isDuplicate())
                .put("is_confirmable", response.isConfirmable())
                .put("is_rejected", response.isRejected())
                .put("is_acknowledged", response.isAcknowledged())
                .put("is_canceled", response.isCanceled())
                .put("accept", options.hasAccept() ? options.getAccept() : null)
                .put("block1", options.hasBlock1() ? options.getBlock1().toString() : null)
                .put("block2", options.hasBlock2() ? options.getBlock2().toString() : null)
                .put("content_format", contentFormat < 0 ? null : contentFormat)
                .put("etags", etags)
                .put("location_path", options.getLocationPathCount() == 0 ? null : options.getLocationPathString())
                .put("location_query", options.getLocationQueryCount() == 0 ? null : options.getLocationQueryString())
                .put("max_age", options.hasMaxAge() ? options.getMaxAge() : DEFAULT_MAX_AGE_SECONDS)
                .put("observe", options.hasObserve() ? options.getObserve() : null)
                .put("proxy_uri", options.hasProxyUri() ? options.getProxyUri() : null)
                .put("size_1", options.hasSize1() ? options.getSize1() : null)
                .put("size_2", options.hasSize2() ? options.getSize2() : null)
                .put("uri_host", request.host())
                .put("uri_port", request.port())
                .put("uri_path", request.path())
                .put("uri_query", request.query())
                .put("payload", CoapPayloads.text(payload, contentFormat))
                .put("payload_bytes", payload);
    }

    private static String address(EndpointContext context) {
        if (context == null || context.getPeerAddress() == null) {
            return "";
        }
        return context.getPeerAddress().getHostString() + ":" + context.getPeerAddress().getPort();
    }
}
