package io.streamgrid.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void leavesPrintableTextAsItIs() {
        String text = "device-1 temperature 21.50 °C, Gerät ü, 温度";
        assertThat(TerminalText.escape(text)).isSameAs(text);
    }

    @Test
    void showsControlCharactersAsEscapes() {
        assertThat(TerminalText.escape("a\u001b[2Jb\u0007c\u0000d\u007fe\u0085f\u009b")).isEqualTo(
                "a\\e[2Jb\\x07c\\x00d\\x7fe\\x85f\\x9b");
        assertThat(TerminalText.escape("line\nnext\r\ttab")).isEqualTo("line\\nnext\\r\\ttab");
    }

    @Test
    void showsBidirectionalOverridesAsEscapes() {
        assertThat(TerminalText.escape("abc\u202edcba\u2066x\u2069")).isEqualTo("abc\\u202edcba\\u2066x\\u2069");
    }
}
