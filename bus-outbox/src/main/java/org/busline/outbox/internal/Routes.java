package org.busline.outbox.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.busline.outbox.internal.OutboxConfig.SinkSpec;

/**
 * The first room of an event's way: which durable subscriptions and sinks receive a topic, so which rows a publish
 * writes. Computed once per topic name and cached; the sinks are fixed at build time.
 */
final class Routes {
    private final List<SinkSpec> sinks;
    private final Map<String, List<SinkSpec>> byTopic = new ConcurrentHashMap<>();

    Routes(List<SinkSpec> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    List<SinkSpec> of(String topicName) {
        return byTopic.computeIfAbsent(topicName, this::match);
    }

    List<SinkSpec> all() {
        return sinks;
    }

    private List<SinkSpec> match(String topicName) {
        List<SinkSpec> matching = new ArrayList<>();
        for (SinkSpec sink : sinks) {
            for (String pattern : sink.patterns()) {
                if (matches(pattern, topicName)) {
                    matching.add(sink);
                    break;
                }
            }
        }
        return List.copyOf(matching);
    }

    /** {@code *} matches one token, a final {@code >} one or more; anything else matches itself. */
    static boolean matches(String pattern, String topicName) {
        String[] want = pattern.split("\\.", -1);
        String[] have = topicName.split("\\.", -1);
        for (int i = 0; i < want.length; i++) {
            if (want[i].equals(">") && i == want.length - 1) {
                return have.length > i;
            }
            if (i >= have.length || !(want[i].equals("*") || want[i].equals(have[i]))) {
                return false;
            }
        }
        return want.length == have.length;
    }
}
