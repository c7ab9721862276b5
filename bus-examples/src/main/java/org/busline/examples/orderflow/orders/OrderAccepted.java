package org.busline.examples.orderflow.orders;

/** The reply to {@link PlaceOrder}: the id of the new order. */
public record OrderAccepted(String orderId) {
}
