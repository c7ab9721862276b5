package org.busline.examples.orderflow.inventory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reserves stock for each placed order. It receives isolated copies: each OrderPlaced is encoded and decoded by the
 * bus's serializer (bus-jackson, found on the class path), so nothing it holds is shared with another module.
 */
public final class InventoryService {
    public static final String NAME = "inventory";

    private static final Logger log = LoggerFactory.getLogger(InventoryService.class);

    private final Map<String, Integer> stock = new ConcurrentHashMap<>();
    private final Map<String, Integer> reserved = new ConcurrentHashMap<>();

    public InventoryService(MessageBus bus, Executor executor, Map<String, Integer> initialStock) {
        stock.putAll(initialStock);
        bus.subscribeEnvelopes(OrderPlaced.TOPIC, this::reserve,
                Delivery.async(executor).isolated().name(NAME));
    }

    private void reserve(Envelope<OrderPlaced> message) {
        OrderPlaced order = message.payload();
        stock.merge(order.sku(), -order.quantity(), Integer::sum);
        reserved.merge(order.orderId(), order.quantity(), Integer::sum);
        log.debug("[{}] inventory: reserved {} x {} for {}", message.correlationId(), order.quantity(), order.sku(),
                order.orderId());
    }

    /** The units left of each SKU. */
    public Map<String, Integer> stock() {
        return Map.copyOf(stock);
    }

    /** The units reserved for each order. */
    public Map<String, Integer> reserved() {
        return Map.copyOf(reserved);
    }
}
