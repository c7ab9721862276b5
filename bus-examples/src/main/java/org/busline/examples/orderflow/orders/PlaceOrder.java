package org.busline.examples.orderflow.orders;

import org.busline.Topic;

/** The request to place an order; the orders module answers it with an {@link OrderAccepted}. */
public record PlaceOrder(String customer, String sku, int quantity, long amountCents) {
    public static final Topic<PlaceOrder> TOPIC = Topic.of("orders.place", PlaceOrder.class);
}
