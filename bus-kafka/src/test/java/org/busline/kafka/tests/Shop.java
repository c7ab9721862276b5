package org.busline.kafka.tests;

import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.TypeRegistry;

/** The message types of the tests: what two services of a shop tell each other. */
final class Shop {
    static final Topic<OrderPlaced> ORDERS = Topic.of("orders.placed", OrderPlaced.class);
    static final Topic<PaymentTaken> PAYMENTS = Topic.of("payments.taken", PaymentTaken.class);
    static final Topic<Quote> QUOTES = Topic.of("prices.quote", Quote.class);

    /** Logical type names: what ce_type carries, never a class name. */
    static final TypeRegistry TYPES = TypeRegistry.builder()
            .register(ORDERS, "shop.order-placed", 2)
            .register(PAYMENTS, "shop.payment-taken", 1)
            .register(QUOTES, "shop.quote-request", 1)
            .register(Topic.of(Price.class), "shop.price", 1)
            .build();

    private Shop() {
    }

    static JacksonSerializer serializer() {
        return JacksonSerializer.create(TYPES);
    }

    record OrderPlaced(String orderId, String customer, int seq, String note) {
        OrderPlaced(String orderId, String customer, int seq) {
            this(orderId, customer, seq, "");
        }
    }

    record PaymentTaken(String orderId, long amountCents) {
    }

    record Quote(String sku, int quantity) {
    }

    record Price(String sku, long cents) {
    }
}
