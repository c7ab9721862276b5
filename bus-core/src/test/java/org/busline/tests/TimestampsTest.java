package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.busline.spi.Timestamps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The envelope's time without {@code DateTimeFormatter}: the same instants and the same refusals as the formatter. */
class TimestampsTest {

    @Test
    void writesWhatInstantToStringWritesForEveryMillisecondInstantOfYearsZeroTo9999() {
        SplittableRandom random = new SplittableRandom(42);
        char[] out = new char[Timestamps.MILLIS_LENGTH];
        long first = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long last = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochMilli(i < 2 ? (i == 0 ? first : last) : random.nextLong(first, last + 1));
            int length = Timestamps.writeMillis(instant, out);
            String expected = DateTimeFormatter.ISO_INSTANT.format(instant);
            // ISO_INSTANT drops a zero fraction; the envelope always carries three digits.
            String withMillis = expected.length() == 20 ? expected.replace("Z", ".000Z") : expected;
            assertThat(new String(out, 0, length)).isEqualTo(withMillis);
            assertThat(Timestamps.parse(out, 0, length)).isEqualTo(instant);
        }
    }

    @Test
    void leavesInstantsWithMicrosecondsOrBeyondYear9999ToInstantToString() {
        char[] out = new char[Timestamps.MILLIS_LENGTH];
        assertThat(Timestamps.writeMillis(Instant.parse("2026-01-02T03:04:05.678901Z"), out)).isEqualTo(-1);
        assertThat(Timestamps.writeMillis(Instant.parse("+10000-01-01T00:00:00Z"), out)).isEqualTo(-1);
        assertThat(Timestamps.writeMillis(Instant.parse("-0001-12-31T23:59:59Z"), out)).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.6Z", "2026-01-02T03:04:05.678901234Z",
            "2024-02-29T23:59:59.999Z", "2026-01-02t03:04:05.678z", "2026-01-02T05:04:05.678+02:00",
            "2026-01-01T22:04:05-05:00"})
    void readsWhatTheFormatterReads(String text) {
        Instant expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        char[] padded = ("[" + text + "]").toCharArray();
        assertThat(Timestamps.parse(padded, 1, text.length())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13-02T03:04:05Z", "2026-02-29T03:04:05Z", "2026-01-02T24:00:00Z",
            "2026-01-02T03:60:05Z", "2026-01-02T03:04:60Z", "2026-01-02 03:04:05Z",
            "2026-01-02T03:04:05", "2026-01-02T03:04:05.1234567890Z", "20x6-01-02T03:04:05Z", "yesterday"})
    void refusesWhatTheFormatterRefuses(String text) {
        char[] chars = text.toCharArray();
        assertThatThrownBy(() -> Timestamps.parse(chars, 0, chars.length)).isInstanceOf(DateTimeException.class);
    }
}
