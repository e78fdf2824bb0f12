package io.streamgrid.mqtt.converter;

import io.streamgrid.common.format.Senml;
import java.util.List;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * SenML (RFC 8428): one record per resolved record of the pack, keyed by its name, so that a keyed map holds the
 * newest value of each measurement. A pack in JSON starts with '['; anything else is read as SenML CBOR. Relative
 * times count from the message's arrival.
 */
public final class SenmlPayloadConverter implements PayloadConverter {

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        List<Converted> records = convertAll(mqttTopic, payload);
        if (records.size() != 1) {
            throw new DataException("The SenML pack holds " + records.size() + " records, not one");
        }
        return records.get(0).value();
    }

    @Override
    public List<Converted> convertAll(String mqttTopic, byte[] payload) {
        List<Struct> records = Senml.records(payload, !isJson(payload), System.currentTimeMillis());
        return records.stream().map(r -> new Converted(r.getString("n"), new SchemaAndValue(Senml.RECORD_SCHEMA, r)))
                .toList();
    }

    private static boolean isJson(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '[';
            }
        }
        return true;
    }

    @Override
    public boolean structured() {
        return true;
    }
}
