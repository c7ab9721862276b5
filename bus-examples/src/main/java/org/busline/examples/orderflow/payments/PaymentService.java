package org.busline.examples.orderflow.payments;

import java.time.Duration;
import java.util.concurrent.Executor;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges each placed order through a flaky gateway, retrying with back-off; a charge that keeps failing ends as a
 * dead letter, which this module turns into a {@link PaymentFailed}.
 */
public final class PaymentService {
    public static final String NAME = "payments";
    /** Four attempts, waiting up to 1, 2, then 4 ms (full jitter) between them: fast, for the example. */
    public static final RetryPolicy RETRY = RetryPolicy.of(4).backoff(Duration.ofMillis(1), Duration.ofMillis(10));

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final MessageBus bus;
    private final PaymentGateway gateway;

    public PaymentService(MessageBus bus, PaymentGateway gateway, Executor executor) {
        this.bus = bus;
        this.gateway = gateway;
        bus.subscribeEnvelopes(OrderPlaced.TOPIC, this::charge,
                Delivery.async(executor).concurrency(4).retry(RETRY).name(NAME));
        bus.subscribe(DeadLetter.class, this::gaveUp, Delivery.sync().name(NAME + ".dead-letters"));
    }

    private void charge(Envelope<OrderPlaced> message) throws PaymentDeclinedException {
        OrderPlaced order = message.payload();
        String attempt = message.header(RetryPolicy.ATTEMPT_HEADER);
        try {
            String paymentId = gateway.charge(order.orderId(), order.amountCents());
            log.debug("[{}] payments: captured {} for {} (attempt {})", message.correlationId(), paymentId,
                    order.orderId(), attempt);
            bus.publish(PaymentCaptured.TOPIC, new PaymentCaptured(order.orderId(), paymentId));
        } catch (PaymentDeclinedException declined) {
            log.debug("[{}] payments: attempt {} failed: {}", message.correlationId(), attempt,
                    declined.getMessage());
            throw declined;    // the bus retries it, and dead-letters it after the last attempt
        }
    }

    /** Turns this module's dead letters into its own event, which carries the order's correlation id on. */
    private void gaveUp(DeadLetter letter) {
        if (letter.subscriber().equals(NAME) && letter.envelope().payload() instanceof OrderPlaced order) {
            bus.publish(PaymentFailed.TOPIC, new PaymentFailed(order.orderId(), letter.attempts(),
                    letter.cause() == null ? letter.reason().toString() : letter.cause().getMessage()));
        }
    }
}
