package org.busline.spi;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The envelope's time as text, for serializers and transports: RFC 3339 in UTC, written and read without
 * {@link DateTimeFormatter} for the form the bus writes ({@code 2026-01-02T03:04:05.678Z}).
 *
 * <p>Why: the formatter's parse costs about 1 µs and 900 B (a {@code Parsed} with its maps, copied for each optional
 * section), a tenth of a whole envelope's encode and decode, and a transport pays it once more per message. The bus
 * stamps milliseconds, so the form with a UTC {@code Z} and up to nine fraction digits is read digit by digit, and
 * anything else (an offset such as {@code +02:00}, an out-of-range field) goes to {@link OffsetDateTime#parse},
 * which also words the error.
 *
 * <p>Stateless and thread-safe.
 */
public final class Timestamps {
    /** The length of {@code yyyy-MM-ddTHH:mm:ss.SSSZ}. */
    public static final int MILLIS_LENGTH = 24;

    private Timestamps() {
    }

    /**
     * Writes an instant of a year from 0 to 9999 with millisecond precision as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}.
     *
     * @param instant the instant
     * @param out     where the characters go, at least {@link #MILLIS_LENGTH} long
     * @return the number of characters written, or -1 if the instant needs another form ({@link Instant#toString})
     */
    public static int writeMillis(Instant instant, char[] out) {
        long seconds = instant.getEpochSecond();
        int nanos = instant.getNano();
        if (nanos % 1_000_000 != 0 || seconds < -62_167_219_200L || seconds >= 253_402_300_800L) {
            return -1;
        }
        long day = Math.floorDiv(seconds, 86_400);
        int secondOfDay = Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(day);
        digits(out, 0, date.getYear(), 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        out[19] = '.';
        digits(out, 20, nanos / 1_000_000, 3);
        out[23] = 'Z';
        return MILLIS_LENGTH;
    }

    /**
     * Reads an RFC 3339 timestamp.
     *
     * @param text   the characters
     * @param offset where the timestamp starts
     * @param length its length
     * @return the instant
     * @throws DateTimeException if it is not an RFC 3339 timestamp
     */
    public static Instant parse(char[] text, int offset, int length) {
        Instant fast = parseUtc(text, offset, length);
        return fast != null ? fast : OffsetDateTime.parse(new String(text, offset, length),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /**
     * Reads an RFC 3339 timestamp written in UTF-8 (a header's value, say).
     *
     * @param utf8 the bytes; not null
     * @return the instant
     * @throws DateTimeException if it is not an RFC 3339 timestamp
     */
    public static Instant parse(byte[] utf8) {
        int length = utf8.length;
        if (length <= 30) {
            char[] text = new char[length];
            for (int i = 0; i < length; i++) {
                text[i] = (char) (utf8[i] & 0xff);
            }
            Instant fast = parseUtc(text, 0, length);
            if (fast != null) {
                return fast;
            }
        }
        return OffsetDateTime.parse(new String(utf8, StandardCharsets.UTF_8), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant();
    }

    /** The form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other. */
    private static Instant parseUtc(char[] c, int at, int length) {
        if (length < 20 || length > 30 || length == 21 || (c[at + length - 1] | 0x20) != 'z'
                || c[at + 4] != '-' || c[at + 7] != '-' || (c[at + 10] | 0x20) != 't' || c[at + 13] != ':'
                || c[at + 16] != ':') {
            return null;
        }
        int year = number(c, at, 4);
        int month = number(c, at + 5, 2);
        int day = number(c, at + 8, 2);
        int hour = number(c, at + 11, 2);
        int minute = number(c, at + 14, 2);
        int second = number(c, at + 17, 2);
        int nanos = 0;
        if (length > 20) {
            if (c[at + 19] != '.') {
                return null;
            }
            int fraction = length - 21;
            nanos = number(c, at + 20, fraction);
            for (int i = fraction; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | minute | second | nanos) < 0 || month < 1 || month > 12 || day < 1
                || hour > 23 || minute > 59 || second > 59
                || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code count} digits, or -1 if one is not a digit. */
    private static int number(char[] c, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int digit = c[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static void digits(char[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
