package org.busline.internal;

import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Objects;
import org.busline.Topic;

/**
 * Which topics a subscription receives: a type topic and its subtypes, one named topic, or a pattern of names. The
 * {@link Registry} asks it once per route, when the route is made or the subscription added, never per message.
 *
 * <p><b>Threads.</b> Immutable, so shared freely.
 */
abstract class Selector {

    abstract boolean matches(Topic<?> topic);

    /** The subscription's description in names and logs. */
    abstract String describe();

    /** The topic subscribed to, or null for a pattern. */
    Topic<?> topic() {
        return null;
    }

    /** Type topics of a type and, for a class, of its subtypes; a parameterized type matches exactly. */
    static Selector type(Topic<?> typeTopic) {
        Type type = typeTopic.type().type();
        if (type instanceof Class) {
            Class<?> raw = (Class<?>) type;
            return new Selector() {
                @Override
                boolean matches(Topic<?> topic) {
                    return !topic.isNamed() && raw.isAssignableFrom(topic.type().rawType());
                }

                @Override
                String describe() {
                    return raw.getName();
                }

                @Override
                Topic<?> topic() {
                    return typeTopic;
                }
            };
        }
        return new Selector() {
            @Override
            boolean matches(Topic<?> topic) {
                return !topic.isNamed() && type.equals(topic.type().type());
            }

            @Override
            String describe() {
                return type.getTypeName();
            }

            @Override
            Topic<?> topic() {
                return typeTopic;
            }
        };
    }

    /** One named topic. */
    static Selector named(Topic<?> namedTopic) {
        String name = namedTopic.name();
        return new Selector() {
            @Override
            boolean matches(Topic<?> topic) {
                return topic.isNamed() && topic.name().equals(name);
            }

            @Override
            String describe() {
                return name;
            }

            @Override
            Topic<?> topic() {
                return namedTopic;
            }
        };
    }

    /** Topic names matching a pattern: {@code *} is one token, a final {@code >} one or more. */
    static Selector pattern(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        String[] tokens = pattern.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("pattern must be dot-separated non-empty tokens without spaces, "
                        + "but was '" + pattern + "'");
            }
            if (token.equals(">") && i != tokens.length - 1) {
                throw new IllegalArgumentException("'>' may only be the last token of a pattern, but the pattern was '"
                        + pattern + "'");
            }
            if (!token.equals("*") && !token.equals(">") && (token.contains("*") || token.contains(">"))) {
                throw new IllegalArgumentException("'*' and '>' must be whole tokens, but the pattern was '"
                        + pattern + "'");
            }
        }
        return new Selector() {
            @Override
            boolean matches(Topic<?> topic) {
                return matchesName(tokens, topic.name());
            }

            @Override
            String describe() {
                return pattern;
            }

            @Override
            public String toString() {
                return "pattern " + Arrays.toString(tokens);
            }
        };
    }

    private static boolean matchesName(String[] tokens, String name) {
        int position = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (position > name.length()) {
                return false;
            }
            String token = tokens[i];
            if (token.equals(">")) {
                return position < name.length();
            }
            int end = name.indexOf('.', position);
            if (end < 0) {
                end = name.length();
            }
            int length = end - position;
            if (length == 0 || !token.equals("*")
                    && (length != token.length() || !name.regionMatches(position, token, 0, length))) {
                return false;
            }
            position = end + 1;
        }
        return position > name.length();
    }
}
