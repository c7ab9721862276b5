package org.busline.examples.orderflow.orders;

import org.busline.Topic;

/** Published by the orders module once an order is taken; payments, inventory and notifications react to it. */
public record OrderPlaced(String orderId, String customer, String sku, int quantity, long amountCents) {
    public static final Topic<OrderPlaced> TOPIC = Topic.of("orders.placed", OrderPlaced.class);
}
