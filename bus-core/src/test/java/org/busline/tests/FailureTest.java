package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.DeliveryFailure;
import org.busline.MessageBus;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What happens when handlers fail. */
class FailureTest {
    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    private final MessageBus bus = MessageBus.builder().onError(failures::add).build();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    @Test
    void anErrorIsReportedThenRethrownToThePublisher() {
        List<String> received = new CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, order -> {
            throw new AssertionError("fatal");
        });
        bus.subscribe(OrderPlaced.class, order -> received.add(order.orderId()));

        assertThatThrownBy(() -> bus.publish(new OrderPlaced("o-1"))).isInstanceOf(AssertionError.class)
                .hasMessage("fatal");
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause()).hasMessage("fatal"));

        bus.publish(new Events.Circle("the bus still works"));
    }

    @Test
    void restoresTheInterruptOfAHandlerThatWasInterrupted() {
        bus.subscribe(OrderPlaced.class, order -> {
            throw new InterruptedException("stop");
        });

        bus.publish(new OrderPlaced("o-1"));

        assertThat(Thread.interrupted()).isTrue();
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause())
                .isInstanceOf(InterruptedException.class));
    }

    @Test
    void propagatesAFailureToThePublisherAfterDeliveringToEveryoneElse() {
        List<String> received = new CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, order -> {
            throw new IllegalStateException("rollback " + order.orderId());
        }, Delivery.sync().propagateFailures().name("ledger"));
        bus.subscribe(OrderPlaced.class, order -> received.add(order.orderId()));

        assertThatThrownBy(() -> bus.publish(new OrderPlaced("o-1"))).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("ledger").hasMessageContaining(OrderPlaced.class.getName())
                .cause().hasMessage("rollback o-1");
        assertThat(received).containsExactly("o-1");
        assertThat(failures).hasSize(1);
    }

    @Test
    void anErrorInAnAsyncHandlerReachesTheExecutorAndTheMailboxKeepsDraining() throws Exception {
        AtomicBoolean uncaught = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(1, task -> {
            Thread thread = new Thread(task);
            thread.setUncaughtExceptionHandler((t, e) -> uncaught.set(true));
            return thread;
        });
        try {
            CountDownLatch handled = new CountDownLatch(1);
            bus.subscribe(OrderPlaced.class, order -> {
                if (order.orderId().equals("fatal")) {
                    throw new AssertionError("fatal");
                }
                handled.countDown();
            }, Delivery.async(executor));

            bus.publish(new OrderPlaced("fatal"));
            bus.publish(new OrderPlaced("next"));

            assertThat(handled.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause()).hasMessage("fatal"));
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aFailingErrorHandlerDoesNotStopDelivery() {
        MessageBus fragile = MessageBus.builder().onError(failure -> {
            throw new IllegalStateException("error handler broke");
        }).build();
        List<String> received = new CopyOnWriteArrayList<>();
        fragile.subscribe(OrderPlaced.class, order -> {
            throw new IllegalStateException("boom");
        });
        fragile.subscribe(OrderPlaced.class, order -> received.add(order.orderId()));

        fragile.publish(new OrderPlaced("o-1"));

        assertThat(received).containsExactly("o-1");
        fragile.close();
    }
}
