package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SenML packs from RFC 8428's examples (section 5.1 and 6), resolved as section 4.6 says. */
class SenmlTest {

    private static final long NOW_MS = 1_700_000_000_000L;

    private static List<Struct> json(String pack) {
        return Senml.records(pack.getBytes(StandardCharsets.UTF_8), false, NOW_MS);
    }

    @Test
    void aSingleDatapointTakenNow() {
        List<Struct> records = json("[{\"n\":\"urn:dev:ow:10e2073a01080063\",\"u\":\"Cel\",\"v\":23.1}]");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getString("n")).isEqualTo("urn:dev:ow:10e2073a01080063");
            assertThat(r.getString("u")).isEqualTo("Cel");
            assertThat(r.getFloat64("v")).isEqualTo(23.1);
            assertThat(r.getFloat64("t")).as("no time: now").isEqualTo(NOW_MS / 1000d);
        });
    }

    @Test
    void theBaseNameIsPrependedToEachName() {
        List<Struct> records = json("[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"voltage\",\"u\":\"V\","
                + "\"v\":120.1},{\"n\":\"current\",\"u\":\"A\",\"v\":1.2}]");
        assertThat(records).extracting(r -> r.getString("n") + "=" + r.getFloat64("v") + r.getString("u"))
                .containsExactly("urn:dev:ow:10e2073a01080063:voltage=120.1V",
                        "urn:dev:ow:10e2073a01080063:current=1.2A");
    }

    /** RFC 8428 5.1.2's second pack: a base time, a base unit, times relative to it. */
    @Test
    void theBaseTimeAndUnitApplyToTheRecordsAfterThem() {
        List<Struct> records = json("[{\"bn\":\"urn:dev:ow:10e2073a0108006:\",\"bt\":1.276020076001e+09,"
                + "\"bu\":\"A\",\"bver\":5,\"n\":\"voltage\",\"u\":\"V\",\"v\":120.1},"
                + "{\"n\":\"current\",\"t\":-5,\"v\":1.2},{\"n\":\"current\",\"t\":-4,\"v\":1.3},"
                + "{\"n\":\"current\",\"t\":-3,\"v\":1.4},{\"n\":\"current\",\"t\":-2,\"v\":1.5},"
                + "{\"n\":\"current\",\"t\":-1,\"v\":1.6},{\"n\":\"current\",\"v\":1.7}]");
        assertThat(records).hasSize(7);
        assertThat(records).extracting(r -> r.getString("u")).containsExactly("A", "A", "A", "A", "A", "V", "A");
        assertThat(records).as("in time order").extracting(r -> r.getFloat64("t")).containsExactly(
                1.276020071001e9, 1.276020072001e9, 1.276020073001e9, 1.276020074001e9, 1.276020075001e9,
                1.276020076001e9, 1.276020076001e9);
        assertThat(records.get(0).getString("n")).isEqualTo("urn:dev:ow:10e2073a0108006:current");
        assertThat(records.get(6).getFloat64("v")).isEqualTo(1.7);
    }

    /** RFC 8428 5.1.4 and its resolved form, 5.1.5. */
    @Test
    void multipleMeasurementsResolveAsTheRfcShows() {
        List<Struct> records = json("[{\"bn\":\"urn:dev:ow:10e2073a01080063\",\"bt\":1.320067464e+09,\"bu\":\"%RH\","
                + "\"v\":20},{\"u\":\"lon\",\"v\":24.30621},{\"u\":\"lat\",\"v\":60.07965},{\"t\":60,\"v\":20.3},"
                + "{\"u\":\"lon\",\"t\":60,\"v\":24.30622},{\"u\":\"lat\",\"t\":60,\"v\":60.07965},"
                + "{\"t\":120,\"v\":20.7},{\"u\":\"lon\",\"t\":120,\"v\":24.30623},{\"u\":\"lat\",\"t\":120,"
                + "\"v\":60.07966},{\"u\":\"%EL\",\"t\":150,\"v\":98},{\"t\":180,\"v\":21.2},{\"u\":\"lon\",\"t\":180,"
                + "\"v\":24.30628},{\"u\":\"lat\",\"t\":180,\"v\":60.07967}]");
        assertThat(records).hasSize(13).allMatch(r -> r.getString("n").equals("urn:dev:ow:10e2073a01080063"));
        assertThat(records.subList(0, 3)).extracting(r -> r.getString("u") + "@" + r.getFloat64("t") + "="
                + r.getFloat64("v")).containsExactly("%RH@1.320067464E9=20.0", "lon@1.320067464E9=24.30621",
                "lat@1.320067464E9=60.07965");
        assertThat(records.get(9)).satisfies(r -> {
            assertThat(r.getString("u")).isEqualTo("%EL");
            assertThat(r.getFloat64("t")).isEqualTo(1.320067614e9);
            assertThat(r.getFloat64("v")).isEqualTo(98.0);
        });
    }

    /** RFC 8428 5.1.6: a string, a boolean and base64url data. */
    @Test
    void valuesAreTyped() {
        List<Struct> records = json("[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"temp\",\"u\":\"Cel\","
                + "\"v\":23.1},{\"n\":\"label\",\"vs\":\"Machine Room\"},{\"n\":\"open\",\"vb\":false},"
                + "{\"n\":\"nfc-reader\",\"vd\":\"aGkgCg\"}]");
        assertThat(records.get(1).getString("vs")).isEqualTo("Machine Room");
        assertThat(records.get(1).get("v")).isNull();
        assertThat(records.get(2).getBoolean("vb")).isFalse();
        assertThat(new String(records.get(3).getBytes("vd"), StandardCharsets.UTF_8)).isEqualTo("hi \n");
    }

    @Test
    void baseValueAndBaseSumAreAdded() {
        List<Struct> records = json("[{\"bn\":\"meter\",\"bv\":1000,\"bs\":50,\"v\":1,\"s\":2},{\"v\":3}]");
        assertThat(records).extracting(r -> r.getFloat64("v") + "/" + r.getFloat64("s"))
                .containsExactly("1001.0/52.0", "1003.0/50.0");
    }

    /**
     * RFC 8428 6: the pack of 5.1.2 in SenML CBOR, with integer labels, written here byte for byte from the JSON
     * pack's values (doubles, and 1.5 as a half-precision float, as a CBOR encoder may shorten it).
     */
    @Test
    void theCborPackIsTheSameAsTheJsonOne() {
        String hex = "87"
                + "a7" + "21" + "781b" + hex("urn:dev:ow:10e2073a0108006:") + "22" + "fb41d303a15b001062"
                + "23" + "61" + hex("A") + "20" + "05" + "00" + "67" + hex("voltage") + "01" + "61" + hex("V")
                + "02" + "fb405e066666666666"
                + "a3" + "00" + "67" + hex("current") + "06" + "24" + "02" + "fb3ff3333333333333"
                + "a3" + "00" + "67" + hex("current") + "06" + "23" + "02" + "fb3ff4cccccccccccd"
                + "a3" + "00" + "67" + hex("current") + "06" + "22" + "02" + "fb3ff6666666666666"
                + "a3" + "00" + "67" + hex("current") + "06" + "21" + "02" + "f93e00"
                + "a3" + "00" + "67" + hex("current") + "06" + "20" + "02" + "fb3ff999999999999a"
                + "a2" + "00" + "67" + hex("current") + "02" + "fb3ffb333333333333";
        List<Struct> records = Senml.records(HexFormat.of().parseHex(hex), true, NOW_MS);
        assertThat(records).hasSize(7);
        assertThat(records).extracting(r -> r.getFloat64("v")).containsExactly(1.2, 1.3, 1.4, 1.5, 1.6, 120.1, 1.7);
        assertThat(records.get(0).getString("n")).isEqualTo("urn:dev:ow:10e2073a0108006:current");
        assertThat(records.get(0).getFloat64("t")).isEqualTo(1.276020071001e9);
        assertThat(records.get(5).getString("u")).isEqualTo("V");
    }

    @Test
    void aCborDataValueIsAByteString() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator cbor = new CBORFactory().createGenerator(out)) {
            cbor.writeStartArray();
            cbor.writeStartObject();
            cbor.writeFieldId(0);
            cbor.writeString("blob");
            cbor.writeFieldId(8);
            cbor.writeBinary(new byte[] {1, 2, 3});
            cbor.writeEndObject();
            cbor.writeEndArray();
        }
        assertThat(Senml.records(out.toByteArray(), true, NOW_MS)).singleElement()
                .satisfies(r -> assertThat(r.getBytes("vd")).containsExactly(1, 2, 3));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not an array      | {\"n\":\"a\",\"v\":1}                      | A SenML pack is an array",
            "no name           | [{\"v\":1}]                               | has the name ''",
            "bad name          | [{\"n\":\"-a b\",\"v\":1}]                | has the name '-a b'",
            "two values        | [{\"n\":\"a\",\"v\":1,\"vs\":\"x\"}]      | more than one value",
            "no value          | [{\"n\":\"a\",\"u\":\"V\"}]               | neither a value nor a sum",
            "newer version     | [{\"bver\":11,\"n\":\"a\",\"v\":1}]       | version 11.0",
            "must understand   | [{\"n\":\"a\",\"v\":1,\"x_\":1}]          | the label 'x_'",
            "wrong type        | [{\"n\":\"a\",\"v\":\"1\"}]               | 'v' is a number"})
    void aPackThatBreaksTheRulesIsBadData(String what, String pack, String message) {
        assertThatThrownBy(() -> json(pack)).isInstanceOf(DataException.class).hasMessageContaining(message);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
