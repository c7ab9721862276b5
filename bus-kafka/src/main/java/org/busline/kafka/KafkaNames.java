package org.busline.kafka;

import java.util.Objects;
import java.util.regex.Pattern;

/** Checks of names that Kafka imposes: topics and consumer groups. */
final class KafkaNames {
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private KafkaNames() {
    }

    static String checkTopic(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!TOPIC.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(what + " must be a legal Kafka topic name (1 to 249 letters, digits, "
                    + "'.', '_' or '-'), but was '" + name + "'");
        }
        return name;
    }

    /** The local topic's name if it is a legal Kafka topic name, else null: the route must then name one. */
    static String defaultTopic(String localName) {
        return TOPIC.matcher(localName).matches() && !localName.equals(".") && !localName.equals("..") ? localName
                : null;
    }

    static String require(String kafkaTopic, String localName, String route, String method) {
        if (kafkaTopic == null) {
            throw new IllegalArgumentException("the " + route + " of local topic '" + localName + "' needs a Kafka "
                    + "topic: its name is not a legal Kafka topic name; name one with " + method);
        }
        return kafkaTopic;
    }

    static String checkGroup(String group) {
        Objects.requireNonNull(group, "group");
        if (group.isBlank()) {
            throw new IllegalArgumentException("group must not be blank, but was '" + group + "'");
        }
        return group;
    }
}
