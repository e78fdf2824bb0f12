package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordView;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class UriTemplateTest {

    private static String resolve(String template, Map<String, Object> value) {
        return resolve(template, "key-1", value);
    }

    private static String resolve(String template, Object key, Map<String, Object> value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("gateway", "gw-7");
        SinkRecord record = new SinkRecord("commands", 2, Schema.OPTIONAL_STRING_SCHEMA, key, null, value, 41L, 1L,
                TimestampType.CREATE_TIME, headers);
        return UriTemplate.parse(template, Map.of()).resolve(RecordView.of(record), new RecordFields()).toString();
    }

    private static Map<String, Object> value(Object... keysAndValues) {
        Map<String, Object> value = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            value.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return value;
    }

    @Test
    void takesHostPortPathAndQueryFromTheRecord() {
        assertThat(resolve("coap://${host}:${port}/actuators/${device_id}/led?by=${_header.gateway}&t=${_topic}",
                value("host", "10.0.0.7", "port", 5683, "device_id", "d-42"))).isEqualTo(
                "coap://10.0.0.7:5683/actuators/d-42/led?by=gw-7&t=commands");
        assertThat(resolve("coaps://[${ip}]/a/${_key}", value("ip", "fe80::1"))).isEqualTo("coaps://[fe80::1]/a/key-1");
        assertThat(resolve("coap://dev-${n}.example.com/x", value("n", 3))).isEqualTo("coap://dev-3.example.com/x");
    }

    @Test
    void percentEncodesWhatAPathOrQueryCannotHoldAsItIs() {
        assertThat(resolve("coap://h/a/${name}?q=${q}", value("name", "living room é%", "q", "a=b c/d?")))
                .isEqualTo("coap://h/a/living%20room%20%C3%A9%25?q=a=b%20c/d?");
    }

    @Test
    void aValueThatWouldChangeTheUrisStructureIsBadData() {
        assertThatThrownBy(() -> resolve("coap://h/a/${d}/led", value("d", "x/../../admin")))
                .isInstanceOf(DataException.class).hasMessage("Record topic=commands partition=2 offset=41 cannot give "
                        + "the URI 'coap://h/a/${d}/led': '${d}' is 'x/../../admin', which is not one path segment (no "
                        + "'/', '?' or '#', and not '.' or '..')");
        assertThatThrownBy(() -> resolve("coap://h/a/${d}", value("d", ".."))).hasMessageContaining("not one path segment");
        assertThatThrownBy(() -> resolve("coap://h/a/${d}", value("d", "x?y=1"))).hasMessageContaining("not one path");
        assertThatThrownBy(() -> resolve("coap://h/a?x=${d}", value("d", "1&admin=1")))
                .hasMessageContaining("is '1&admin=1', which is not a query value");
        assertThatThrownBy(() -> resolve("coap://${h}/a", value("h", "evil.com:99/x")))
                .hasMessageContaining("which is not a host name");
        assertThatThrownBy(() -> resolve("coap://${h}/a", value("h", "user@evil.com")))
                .hasMessageContaining("which is not a host name");
        assertThatThrownBy(() -> resolve("coap://h:${p}/a", value("p", "99999"))).hasMessageContaining("not a port");
        assertThatThrownBy(() -> resolve("coap://h:${p}/a", value("p", "80/x"))).hasMessageContaining("not a port");
    }

    @Test
    void aMissingEmptyOrStructuredValueIsBadData() {
        assertThatThrownBy(() -> resolve("coap://h/a/${d}", value())).hasMessageEndingWith("'${d}' has no value");
        assertThatThrownBy(() -> resolve("coap://h/a/${d}", value("d", ""))).hasMessageEndingWith("'${d}' is empty");
        assertThatThrownBy(() -> resolve("coap://h/a/${d}", value("d", Map.of("x", 1))))
                .hasMessageContaining("not a single value");
        assertThatThrownBy(() -> resolve("coap://h/a/${_key}", null, value())).hasMessageContaining("has no value");
    }

    @Test
    void aTargetThatIsNoCoapUriOrHidesStructureIsRefused() {
        assertThatThrownBy(() -> UriTemplate.parse("http://h/a", Map.of())).hasMessageContaining("coap:// or coaps://");
        assertThatThrownBy(() -> UriTemplate.parse("${scheme}://h/a", Map.of())).hasMessageContaining("coap://");
        assertThatThrownBy(() -> UriTemplate.parse("coap://h/a#${x}", Map.of())).hasMessageContaining("no fragment");
        assertThatThrownBy(() -> UriTemplate.parse("coap://${u}@h/a", Map.of())).hasMessageContaining("no user info");
        assertThatThrownBy(() -> UriTemplate.parse("coap://h/a b", Map.of())).hasMessageContaining("is not a URI");
        assertThat(UriTemplate.parse("COAPS://h/a", Map.of()).secure()).isTrue();
    }

    @Test
    void aUriNoDeviceCouldBeReachedAtIsBadDataNotARetry() {
        assertThatThrownBy(() -> resolve("coap://h:5683${p}/a", value("p", "99"))).isInstanceOf(DataException.class)
                .hasMessageContaining("port 568399 is not a port number (1 to 65535)");
        assertThatThrownBy(() -> resolve("coap://${h}/a", value("h", "224.0.0.1"))).isInstanceOf(DataException.class)
                .hasMessageContaining("224.0.0.1 is a multicast address");
        assertThatThrownBy(() -> resolve("coap://${h}/a", value("h", "255.255.255.255")))
                .isInstanceOf(DataException.class).hasMessageContaining("the broadcast address");
        assertThatThrownBy(() -> resolve("coaps://[${ip}]/a", value("ip", "ff02::1"))).isInstanceOf(DataException.class)
                .hasMessageContaining("multicast");
        assertThatThrownBy(() -> resolve("coap://${h}/a", value("h", "0.0.0.0"))).isInstanceOf(DataException.class)
                .hasMessageContaining("no device's address");
    }

    @Test
    void aHostThatIsNoHostNameIsBadDataSayingSo() {
        for (String host : new String[] {"a..b", "-x", "x-", "a.-b", "123", "1.2.3.999"}) {
            assertThatThrownBy(() -> resolve("coap://${h}/a", value("h", host))).as(host)
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("'" + host + "' is not a host name or IP address");
        }
        assertThat(resolve("coap://${h}:5683/a", value("h", "Dev-7.Example.COM"))).isEqualTo(
                "coap://Dev-7.Example.COM:5683/a");
    }
}
