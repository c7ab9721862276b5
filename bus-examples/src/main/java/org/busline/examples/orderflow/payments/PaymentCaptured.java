package org.busline.examples.orderflow.payments;

import org.busline.Topic;

/** Published by the payments module when the gateway took the money for an order. */
public record PaymentCaptured(String orderId, String paymentId) {
    public static final Topic<PaymentCaptured> TOPIC = Topic.of("payments.captured", PaymentCaptured.class);
}
