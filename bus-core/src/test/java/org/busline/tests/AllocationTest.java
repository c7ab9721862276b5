package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
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

        long before = allocatedBytes(threadId);
        publishMany(order);
        long allocated = allocatedBytes(threadId) - before;

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

    /** Through reflection, because the tests compile inside module org.busline, which reads no management module. */
    private static long allocatedBytes(long threadId) throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> extended;
        try {
            extended = Class.forName("com.sun.management.ThreadMXBean");
        } catch (ClassNotFoundException e) {
            extended = null;
        }
        assumeTrue(extended != null && extended.isInstance(bean), "this JVM cannot count allocated bytes");
        Method allocated = extended.getMethod("getThreadAllocatedBytes", long.class);
        return (Long) allocated.invoke(bean, threadId);
    }
}
