package io.streamgrid.coap;

import org.apache.kafka.connect.data.Struct;

/** A response, already turned into its record value on Californium's thread, waiting for {@code poll}. */
record CoapEvent(CoapStatement statement, CoapUri resource, Struct value, long sequence) {
}
