package org.busline.examples.orderflow.payments;

import org.busline.Topic;

/** Published by the payments module when it gave up on an order: its charge ended as a dead letter. */
public record PaymentFailed(String orderId, int attempts, String reason) {
    public static final Topic<PaymentFailed> TOPIC = Topic.of("payments.failed", PaymentFailed.class);
}
