package org.busline;

import java.time.Duration;

/**
 * The text format of {@link Boundaries}: reading it line by line into a builder, and writing durations as it reads
 * them.
 *
 * <p>Design note: stateless, so thread-safe. Boundaries owns the rules and the decision; this class owns only the
 * words of the format, so that a change of syntax touches one place. Each error names the line's problem; {@link
 * #parse} prefixes the line number and content.
 */
final class BoundariesText {
    private BoundariesText() {
    }

    /** Reads the text format; see {@link Boundaries#parse(String)}. */
    static Boundaries parse(String text) {
        Boundaries.Builder builder = Boundaries.builder();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i];
            int comment = line.indexOf('#');
            String content = (comment >= 0 ? line.substring(0, comment) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            String[] words = content.split("\\s+");
            try {
                add(builder, words, number);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("line " + number + " of the boundaries ('" + content + "'): "
                        + bad.getMessage(), bad);
            }
        }
        return builder.build();
    }

    /** Adds the rule of one line, split into words. */
    private static void add(Boundaries.Builder builder, String[] words, int line) {
        switch (words[0]) {
            case "mode" -> {
                expect(words, 2, "mode enforce|audit");
                builder.mode(switch (words[1]) {
                    case "enforce" -> Boundaries.Mode.ENFORCE;
                    case "audit" -> Boundaries.Mode.AUDIT;
                    default -> throw new IllegalArgumentException("mode must be enforce or audit, but was '"
                            + words[1] + "'");
                });
            }
            case "require-modules" -> {
                expect(words, 1, "require-modules");
                builder.requireModules();
            }
            case "owns", "publish", "consume" -> {
                expect(words, 3, words[0] + " <module> <pattern>");
                Boundaries.Kind kind = words[0].equals("owns") ? Boundaries.Kind.OWNS
                        : words[0].equals("publish") ? Boundaries.Kind.PUBLISH : Boundaries.Kind.CONSUME;
                builder.rule(new Boundaries.Rule(kind, words[1], words[2], line));
            }
            case "deny" -> {
                expect(words, 4, "deny publish|consume <module> <pattern>");
                Boundaries.Kind kind = switch (words[1]) {
                    case "publish" -> Boundaries.Kind.DENY_PUBLISH;
                    case "consume" -> Boundaries.Kind.DENY_CONSUME;
                    default -> throw new IllegalArgumentException("deny must be followed by publish or consume, "
                            + "but was '" + words[1] + "'");
                };
                builder.rule(new Boundaries.Rule(kind, words[2], words[3], line));
            }
            case "limit" -> {
                if (words.length != 4 && (words.length != 6 || !words[4].equals("burst"))) {
                    throw new IllegalArgumentException("expected 'limit <module> <pattern> <permits>/<duration> "
                            + "[burst <n>]'");
                }
                RateLimit limit = rate(words[3]);
                if (words.length == 6) {
                    limit = limit.withBurst(number(words[5], "burst"));
                }
                builder.rule(new Boundaries.Rule(Boundaries.Kind.LIMIT_PUBLISH, words[1], words[2], line, limit));
            }
            default -> throw new IllegalArgumentException("unknown rule '" + words[0] + "'; expected mode, "
                    + "require-modules, owns, publish, consume, deny or limit");
        }
    }

    private static RateLimit rate(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("a rate must read <permits>/<duration>, such as 10/1s, but was '"
                    + text + "'");
        }
        return RateLimit.of(number(text.substring(0, slash), "permits"), duration(text.substring(slash + 1)));
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(what + " must be a whole number, but was '" + text + "'");
        }
    }

    private static Duration duration(String text) {
        String unit = text.endsWith("ms") ? "ms" : text.isEmpty() ? "" : text.substring(text.length() - 1);
        String amount = text.substring(0, text.length() - unit.length());
        long value;
        try {
            value = Long.parseLong(amount);
        } catch (NumberFormatException notANumber) {
            value = -1;
        }
        return switch (value < 0 ? "" : unit) {
            case "ms" -> Duration.ofMillis(value);
            case "s" -> Duration.ofSeconds(value);
            case "m" -> Duration.ofMinutes(value);
            case "h" -> Duration.ofHours(value);
            default -> throw new IllegalArgumentException("a duration must read <number><ms|s|m|h>, such as 1s, "
                    + "but was '" + text + "'");
        };
    }

    private static void expect(String[] words, int count, String form) {
        if (words.length != count) {
            throw new IllegalArgumentException("expected '" + form + "'");
        }
    }

    /** A duration as the text format writes it. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (duration.toNanos() % 1_000_000L != 0L) {
            return duration.toNanos() / 1_000_000L + "ms";
        }
        if (millis % 3_600_000L == 0L) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0L) {
            return millis / 60_000L + "m";
        }
        return millis % 1000L == 0L ? millis / 1000L + "s" : millis + "ms";
    }
}
