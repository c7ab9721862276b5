package org.busline.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.busline.DeadMessage;
import org.busline.Topic;
import org.slf4j.Logger;

/**
 * The default dead-message handler: logs a message that reached no subscription at WARN the first time its topic has
 * one, then at DEBUG, so that a mix-up (a named topic published, its type topic subscribed) is visible at once without
 * flooding the log. The warning says what else might have received it.
 *
 * <p><b>Threads.</b> Thread-safe: the topics already warned about are a concurrent set, bounded by
 * {@link #MAX_TOPICS}; beyond that, every dead message is logged at DEBUG.
 */
final class DeadMessageLog implements Consumer<DeadMessage> {
    static final int MAX_TOPICS = 10_000;

    private final String busName;
    private final Logger log;
    /** What else subscribes near a topic (its type topic, for a named one), or null; for the warning's hint. */
    private final Function<Topic<?>, String> hint;
    private final Set<Topic<?>> warned = ConcurrentHashMap.newKeySet();

    DeadMessageLog(String busName, Logger log, Function<Topic<?>, String> hint) {
        this.busName = busName;
        this.log = log;
        this.hint = hint;
    }

    @Override
    public void accept(DeadMessage dead) {
        Topic<?> topic = dead.envelope().topic();
        if (warned.size() < MAX_TOPICS && warned.add(topic)) {
            String near = hint.apply(topic);
            log.warn("Bus '{}': message {} on topic '{}' reached no subscriber{}. Later ones on this topic are logged "
                    + "at DEBUG; handle them with onDeadMessage(…) or a DeadMessage subscription", busName,
                    dead.envelope().id(), topic.name(), near == null ? "" : " (" + near + ")");
        } else if (log.isDebugEnabled()) {
            log.debug("Bus '{}': message {} on topic '{}' reached no subscriber", busName, dead.envelope().id(),
                    topic.name());
        }
    }
}
