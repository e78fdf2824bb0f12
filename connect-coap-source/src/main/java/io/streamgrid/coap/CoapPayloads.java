package io.streamgrid.coap;

import io.streamgrid.common.format.CborDocuments;
import io.streamgrid.common.format.Senml;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.coap.MediaTypeRegistry;

/** A CoAP payload as the {@code payload} field of a record holds it, in both modes. */
public final class CoapPayloads {

    private CoapPayloads() {
    }

    /**
     * The payload as text when its content format is printable (or absent and it is valid UTF-8); for CBOR (60) and
     * SenML CBOR (112) the JSON text of its data item, so that payload.x reads inside CBOR as inside JSON; else null.
     */
    public static String text(byte[] payload, int contentFormat) {
        if (contentFormat == CborDocuments.CONTENT_FORMAT || contentFormat == Senml.CBOR_CONTENT_FORMAT) {
            return CborDocuments.jsonText(payload);
        }
        if (contentFormat >= 0 && !MediaTypeRegistry.isPrintable(contentFormat)) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
