package org.busline.test.internal;

import java.lang.reflect.Type;
import java.util.Arrays;
import org.busline.Topic;

/**
 * A topic or pattern of a topology, with what routing needs to know to tell whether a subscription receives a
 * published topic: named topics by name, type topics by type (a subscriber of a supertype receives its subtypes),
 * patterns by name, token by token as the bus matches them.
 *
 * @param name    the topic's name or the pattern
 * @param type    the name of the payload type; null for a pattern
 * @param named   true for a named topic
 * @param pattern true for a pattern
 * @param rawType the payload class of a type topic of a plain class, for supertype matching; null otherwise
 */
public record TopicNode(String name, String type, boolean named, boolean pattern, Class<?> rawType) {

    /** The node of a topic. */
    public static TopicNode of(Topic<?> topic) {
        Type type = topic.type().type();
        Class<?> plain = !topic.isNamed() && type instanceof Class<?> c ? c : null;
        return new TopicNode(topic.name(), type.getTypeName(), topic.isNamed(), false, plain);
    }

    /** The node of a pattern subscription. */
    public static TopicNode ofPattern(String pattern) {
        return new TopicNode(pattern, null, false, true, null);
    }

    /** Tells whether a subscription to this node receives messages published on {@code published}. */
    public boolean receives(TopicNode published) {
        if (published.pattern) {
            return false;
        }
        if (pattern) {
            return matchesName(name.split("\\.", -1), published.name);
        }
        if (named) {
            return published.named && published.name.equals(name);
        }
        if (published.named) {
            return false;
        }
        if (rawType != null && published.rawType != null) {
            return rawType.isAssignableFrom(published.rawType);
        }
        return name.equals(published.name);
    }

    /** As the bus matches a pattern: {@code *} is one token, a final {@code >} one or more. */
    static boolean matchesName(String[] tokens, String name) {
        String[] parts = name.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(">")) {
                return parts.length > i && Arrays.stream(parts, i, parts.length).noneMatch(String::isEmpty);
            }
            if (i >= parts.length || parts[i].isEmpty() || !tokens[i].equals("*") && !tokens[i].equals(parts[i])) {
                return false;
            }
        }
        return parts.length == tokens.length;
    }

    /** The label a diagram shows: a named topic's or pattern's name, a type topic's simple type name. */
    public String label() {
        if (named || pattern) {
            return name;
        }
        String simple = name.substring(name.lastIndexOf('.') + 1);
        return simple.replace('$', '.');
    }
}
