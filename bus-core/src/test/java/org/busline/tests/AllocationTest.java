package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A synchronous publish or send to payload handlers allocates nothing, by class or by topic. This counts bytes, not time;
 * speed is measured with JMH in the benchmarks module.
 */
class AllocationTest {
    private static final Topic<OrderPlaced> ORDERS = Topic.of("orders.placed", OrderPlaced.class);
    private static final int PUBLISHES = 200_000;

    private final MessageBus bus = MessageBus.builder().build();
    private long handled;

    @AfterEach
    void tearDown() {
        bus.close();
    }

    @Test
    void aSynchronousPublishOrSendToPayloadHandlersAllocatesNothing() throws Exception {
        bus.subscribe(OrderPlaced.class, order -> handled++);
        bus.subscribe(ORDERS, order -> handled++);
        OrderPlaced order = new OrderPlaced("o-1");
        long threadId = Thread.currentThread().getId();
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            publishMany(order);
        }

        long before = Allocations.allocatedBytes(threadId);
        publishMany(order);
        long allocated = Allocations.allocatedBytes(threadId) - before;

        assertThat(handled).isEqualTo(12L * PUBLISHES);
        assertThat((double) allocated / (3 * PUBLISHES)).as("bytes per publish").isLessThan(0.1);
    }

    private void publishMany(OrderPlaced order) {
        for (int i = 0; i < PUBLISHES; i++) {
            bus.publish(order);
            bus.publish(ORDERS, order);
            bus.send(ORDERS, order);
        }
    }
}
