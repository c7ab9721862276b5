package org.busline.outbox.tests;

import org.busline.Topic;

/** The messages of the tests. */
final class Messages {
    static final Topic<OrderPlaced> ORDERS = Topic.of("shop.orders.placed", OrderPlaced.class);
    static final Topic<Unencodable> BROKEN = Topic.of("shop.broken", Unencodable.class);

    private Messages() {
    }

    /** An order placed. */
    public record OrderPlaced(String orderId, int sequence, boolean poison) {
        static OrderPlaced of(String orderId, int sequence) {
            return new OrderPlaced(orderId, sequence, false);
        }
    }

    /** A message whose serialization fails: its getter throws. */
    public static final class Unencodable {
        public String getValue() {
            throw new IllegalStateException("this value cannot be read");
        }
    }
}
