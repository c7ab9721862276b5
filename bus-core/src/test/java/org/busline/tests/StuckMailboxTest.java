package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.MessageBus;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.Test;

/** What becomes of the messages waiting in a mailbox whose worker is stuck, or whose executor goes away. */
class StuckMailboxTest {
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();

    private MessageBus bus(Duration drainTimeout) {
        MessageBus bus = MessageBus.builder().drainTimeout(drainTimeout).onDropped(dropped::add)
                .onError(failures::add).build();
        bus.subscribe(DeadLetter.class, deadLetters::add);
        return bus;
    }

    @Test
    void closeFromAnAsynchronousHandlerDrainsTheOtherMailboxesWithoutWaitingForItsOwn() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        CountDownLatch published = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try {
            MessageBus bus = bus(Duration.ofSeconds(30));
            bus.subscribe(OrderPlaced.class, order -> {
                if (order.orderId().equals("o-1")) {
                    published.await();
                    bus.close();
                    closed.countDown();
                }
            }, Delivery.async(executor).name("closing"));
            for (int i = 1; i <= 3; i++) {
                bus.publish(new OrderPlaced("o-" + i));
            }
            bus.subscribe(String.class, text -> { }, Delivery.async(executor).name("idle"));
            published.countDown();

            assertThat(closed.await(5, TimeUnit.SECONDS)).as("close returned long before the drain timeout")
                    .isTrue();
            assertThat(bus.isClosed()).isTrue();
            assertThat(dropped).extracting(d -> (Object) d.envelope().payload())
                    .containsExactly(new OrderPlaced("o-2"), new OrderPlaced("o-3"));
            assertThat(dropped).allSatisfy(d -> assertThat(d.reason()).isEqualTo(DroppedMessage.Reason.BUS_CLOSED));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void closeReportsEveryMessageWaitingBehindAHandlerStuckPastTheDrainTimeout() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            MessageBus bus = bus(Duration.ofMillis(50));
            bus.subscribe(OrderPlaced.class, order -> {
                stuck.countDown();
                release.await();
            }, Delivery.async(executor).name("stuck"));
            for (int i = 1; i <= 4; i++) {
                bus.publish(new OrderPlaced("o-" + i));
            }
            assertThat(stuck.await(5, TimeUnit.SECONDS)).isTrue();

            bus.close();

            assertThat(dropped).extracting(d -> (Object) d.envelope().payload())
                    .containsExactly(new OrderPlaced("o-2"), new OrderPlaced("o-3"), new OrderPlaced("o-4"));
            assertThat(dropped).allSatisfy(d -> {
                assertThat(d.reason()).isEqualTo(DroppedMessage.Reason.BUS_CLOSED);
                assertThat(d.subscriber()).isEqualTo("stuck");
            });
            assertThat(deadLetters).extracting(DeadLetter::reason).containsExactly(DeadLetter.Reason.BUS_CLOSED,
                    DeadLetter.Reason.BUS_CLOSED, DeadLetter.Reason.BUS_CLOSED);

            release.countDown();
            executor.shutdown();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(dropped).as("the stuck message itself ends normally, nothing is reported twice").hasSize(3);
            assertThat(failures).isEmpty();
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void anExecutorShutDownNowStopsTheMailboxAndReportsTheRestOnceWithTheRejection() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        try (MessageBus bus = bus(Duration.ZERO)) {
            bus.subscribe(OrderPlaced.class, order -> {
                started.countDown();
                new CountDownLatch(1).await();
            }, Delivery.async(executor).name("worker"));
            for (int i = 1; i <= 5; i++) {
                bus.publish(new OrderPlaced("o-" + i));
            }
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            executor.shutdownNow();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

            assertThat(failures).as("only the interrupted handler failed").singleElement()
                    .satisfies(f -> assertThat(f.cause()).isInstanceOf(InterruptedException.class));
            assertThat(dropped).extracting(d -> (Object) d.envelope().payload()).containsExactly(new OrderPlaced("o-2"),
                    new OrderPlaced("o-3"), new OrderPlaced("o-4"), new OrderPlaced("o-5"));
            assertThat(dropped).allSatisfy(d -> assertThat(d.reason())
                    .isEqualTo(DroppedMessage.Reason.EXECUTOR_REJECTED));
            assertThat(deadLetters).filteredOn(l -> l.reason() == DeadLetter.Reason.EXECUTOR_REJECTED).hasSize(4)
                    .allSatisfy(l -> assertThat(l.cause()).isInstanceOf(RejectedExecutionException.class));
        } finally {
            executor.shutdownNow();
        }
    }
}
