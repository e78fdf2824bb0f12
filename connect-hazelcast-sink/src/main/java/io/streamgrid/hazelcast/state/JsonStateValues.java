package io.streamgrid.hazelcast.state;

import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.hazelcast.member.JsonForm;
import io.streamgrid.hazelcast.member.StateForm;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** Device state as JSON objects, stored as strings or, with {@code jsonValue = true}, as HazelcastJsonValue. */
public final class JsonStateValues implements StateValues {

    private final JsonValueFormat json = new JsonValueFormat();
    private final JsonForm form;

    public JsonStateValues(boolean jsonValue) {
        this.form = new JsonForm(jsonValue);
    }

    @Override
    public Object document(SchemaAndValue projected) {
        String text = json.encode(projected.schema(), projected.value());
        try {
            return JsonForm.parseObject(text);
        } catch (JsonForm.NotAnObjectException e) {
            throw new DataException("a merged or versioned value is a JSON object, not " + JsonForm.abbreviate(text));
        } catch (IllegalArgumentException e) {
            throw new DataException("not JSON: " + e.getMessage());
        }
    }

    @Override
    public StateForm form() {
        return form;
    }
}
