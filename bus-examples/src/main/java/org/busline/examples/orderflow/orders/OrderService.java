package org.busline.examples.orderflow.orders;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.examples.orderflow.payments.PaymentCaptured;
import org.busline.examples.orderflow.payments.PaymentFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes orders, announces them, and follows each one until the payments module says how it ended. */
public final class OrderService {
    public static final String NAME = "orders";

    /** Where an order stands. */
    public enum Status { PLACED, PAID, PAYMENT_FAILED }

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private final MessageBus bus;
    private final AtomicInteger sequence = new AtomicInteger();
    private final Map<String, OrderPlaced> orders = new ConcurrentHashMap<>();
    private final Map<String, Status> status = new ConcurrentHashMap<>();

    public OrderService(MessageBus bus) {
        this.bus = bus;
        bus.respond(PlaceOrder.TOPIC, this::place, Delivery.sync().name(NAME));    // answers on the caller's thread
        // Each subscription has a name of its own under the service's (a bus refuses one name twice).
        bus.subscribeEnvelopes(PaymentCaptured.TOPIC, paid -> settle(paid, paid.payload().orderId(), Status.PAID),
                Delivery.sync().name(NAME + ".paid"));
        bus.subscribeEnvelopes(PaymentFailed.TOPIC,
                failed -> settle(failed, failed.payload().orderId(), Status.PAYMENT_FAILED),
                Delivery.sync().name(NAME + ".payment-failed"));
    }

    private OrderAccepted place(PlaceOrder request) {
        String orderId = "o-" + sequence.incrementAndGet();
        OrderPlaced order = new OrderPlaced(orderId, request.customer(), request.sku(), request.quantity(),
                request.amountCents());
        orders.put(orderId, order);
        status.put(orderId, Status.PLACED);
        bus.publish(OrderPlaced.TOPIC, order);    // carries the request's correlation id
        return new OrderAccepted(orderId);
    }

    private void settle(Envelope<?> message, String orderId, Status outcome) {
        if (status.replace(orderId, Status.PLACED, outcome)) {
            log.debug("[{}] orders: {} is {}", message.correlationId(), orderId, outcome);
        } else {
            log.error("[{}] orders: {} cannot become {}, it is {}", message.correlationId(), orderId, outcome,
                    status.get(orderId));
        }
    }

    /** Every order taken, by id. */
    public Map<String, OrderPlaced> orders() {
        return Map.copyOf(orders);
    }

    /** Where each order stands, by id. */
    public Map<String, Status> status() {
        return Map.copyOf(status);
    }
}
