package org.busline.examples.orderflow.notifications;

/** A message sent to a customer. */
public record Notification(String customer, String orderId, String text) {
}
