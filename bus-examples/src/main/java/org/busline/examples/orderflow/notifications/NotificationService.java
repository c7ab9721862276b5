package org.busline.examples.orderflow.notifications;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells each customer that their order was received. */
public final class NotificationService {
    public static final String NAME = "notifications";

    private static final Logger log = LoggerFactory.getLogger(NotificationService.class);

    private final Queue<Notification> sent = new ConcurrentLinkedQueue<>();

    public NotificationService(MessageBus bus, Executor executor) {
        bus.subscribeEnvelopes(OrderPlaced.TOPIC, this::confirm,
                Delivery.async(executor).concurrency(16).name(NAME));
    }

    private void confirm(Envelope<OrderPlaced> message) {
        OrderPlaced order = message.payload();
        sent.add(new Notification(order.customer(), order.orderId(), "We received your order " + order.orderId()));
        log.debug("[{}] notifications: told {} that {} was received", message.correlationId(), order.customer(),
                order.orderId());
    }

    /** Every notification sent so far. */
    public List<Notification> sent() {
        return List.copyOf(sent);
    }
}
