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

    static String checkGroup(String group) {
        Objects.requireNonNull(group, "group");
        if (group.isBlank()) {
            throw new IllegalArgumentException("group must not be blank, but was '" + group + "'");
        }
        return group;
    }
}
