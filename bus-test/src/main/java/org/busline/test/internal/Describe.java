package org.busline.test.internal;

import java.util.List;
import org.busline.test.RecordedDelivery;
import org.busline.test.RecordedMessage;

/** The text that failing assertions and waits print: every recorded message, with thread, ids and outcomes. */
public final class Describe {
    /** The most messages one listing prints in full; the rest are counted. */
    static final int MAX_LISTED = 500;
    private static final int MAX_PAYLOAD = 160;

    private Describe() {
    }

    /** Lists {@code messages}, one paragraph each, under a heading naming the bus. */
    public static String messages(String bus, List<RecordedMessage> messages) {
        StringBuilder text = new StringBuilder();
        text.append(messages.size()).append(messages.size() == 1 ? " message" : " messages")
                .append(" recorded on bus '").append(bus).append("'").append(messages.isEmpty() ? "." : ":");
        int listed = 0;
        for (RecordedMessage message : messages) {
            if (listed++ == MAX_LISTED) {
                text.append("\n  ... and ").append(messages.size() - MAX_LISTED).append(" more");
                break;
            }
            text.append("\n  ").append(message(message));
        }
        return text.toString();
    }

    /** One message: its place, topic, payload, thread, publisher, ids, then one line per delivery. */
    public static String message(RecordedMessage message) {
        StringBuilder text = new StringBuilder();
        text.append('#').append(message.sequence()).append(' ').append(message.topic().name()).append(' ')
                .append(payload(message.payload()))
                .append("\n      thread '").append(message.thread()).append("', ")
                .append(message.publishedBy() == null ? "outside any handler"
                        : "published by '" + message.publishedBy() + "'")
                .append(", id ").append(message.id())
                .append(", correlation ").append(message.correlationId());
        if (message.envelope().causationId() != null) {
            text.append(", causation ").append(message.envelope().causationId());
        }
        for (RecordedDelivery delivery : message.deliveries()) {
            text.append("\n      -> ").append(delivery);
        }
        if (message.dead()) {
            text.append("\n      -> reached no subscription (dead message)");
        } else if (message.deliveries().isEmpty()) {
            text.append("\n      -> no delivery started");
        }
        return text.toString();
    }

    static String payload(Object payload) {
        String text = String.valueOf(payload);
        return text.length() <= MAX_PAYLOAD ? text : text.substring(0, MAX_PAYLOAD) + "...";
    }
}
