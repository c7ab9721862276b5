package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.junit.jupiter.api.Test;

/** Asynchronous subscriptions on a virtual-thread executor, on a JVM that has one (Java 21 and later). */
class VirtualThreadTest {

    @Test
    void deliversOnVirtualThreadsInOrder() throws Exception {
        ExecutorService executor = virtualThreadExecutor();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean ordered = new AtomicBoolean(true);
        AtomicBoolean virtual = new AtomicBoolean(true);
        Method isVirtual = Thread.class.getMethod("isVirtual");
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.subscribe(Integer.class, n -> {
                if (next.getAndIncrement() != n) {
                    ordered.set(false);
                }
                if (!(Boolean) isVirtual.invoke(Thread.currentThread())) {
                    virtual.set(false);
                }
            }, Delivery.async(executor));
            for (int i = 0; i < 10_000; i++) {
                bus.publish(i);
            }
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(next).hasValue(10_000);
        assertThat(ordered).isTrue();
        assertThat(virtual).isTrue();
    }

    private static ExecutorService virtualThreadExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException notOnThisJvm) {
            assumeTrue(false, "this JVM has no virtual threads");
            throw new AssertionError(notOnThisJvm);
        }
    }
}
