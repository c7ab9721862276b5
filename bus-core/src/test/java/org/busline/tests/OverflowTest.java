package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.MailboxFullException;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bounded mailboxes: a subscriber blocked on a latch fills its mailbox of 2 (one message in its hands, two
 * waiting), then each policy shows what it does with the next message.
 */
class OverflowTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
    private final MessageBus bus = MessageBus.builder().name("overflow").onDropped(dropped::add).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private final List<Integer> handled = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        release.countDown();
        bus.close();
        executor.shutdown();
    }

    private Subscription blockedSubscriber(Delivery delivery) throws InterruptedException {
        Subscription subscription = bus.subscribe(Integer.class, n -> {
            started.countDown();
            release.await();
            handled.add(n);
        }, delivery.capacity(2).name("slow"));
        bus.publish(0);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        bus.publish(1);
        bus.publish(2);
        return subscription;
    }

    @Test
    void failRefusesThePublishSoNobodyReceivesIt() throws Exception {
        List<Integer> fast = new CopyOnWriteArrayList<>();
        bus.subscribe(Integer.class, fast::add);
        blockedSubscriber(Delivery.async(executor).overflow(OverflowPolicy.FAIL));

        assertThatThrownBy(() -> bus.publish(3)).isInstanceOf(MailboxFullException.class)
                .hasMessageContaining("'slow'").hasMessageContaining("capacity 2")
                .hasMessageContaining(Integer.class.getName());

        assertThat(fast).as("not half-delivered").containsExactly(0, 1, 2);
        release.countDown();
        bus.close();
        assertThat(handled).containsExactly(0, 1, 2);
    }

    @Test
    void blockWaitsForRoomAndFailsAfterItsTimeout() throws Exception {
        blockedSubscriber(Delivery.async(executor).blockTimeout(Duration.ofMillis(50)));

        assertThatThrownBy(() -> bus.publish(3)).isInstanceOf(MailboxFullException.class)
                .hasMessageContaining("waited 50 ms");

        CountDownLatch publishing = new CountDownLatch(1);
        var blocked = executor.submit(() -> {
            publishing.countDown();
            return bus.publish(4);
        });
        assertThat(publishing.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(blocked).isNotDone();
        release.countDown();
        PublishResult result = blocked.get(5, TimeUnit.SECONDS);
        result.completion().get(5, TimeUnit.SECONDS);
        assertThat(handled).containsExactly(0, 1, 2, 4);
        assertThat(dropped).isEmpty();
    }

    @Test
    void dropNewestReportsTheNewMessageAndDeliversTheOthers() throws Exception {
        blockedSubscriber(Delivery.async(executor).overflow(OverflowPolicy.DROP_NEWEST));

        PublishResult result = bus.publish(3);

        assertThat(result.reached()).isZero();
        assertThat(result.completion()).failsWithin(5, TimeUnit.SECONDS);
        assertThat(dropped).singleElement().satisfies(drop -> {
            assertThat(drop.envelope().payload()).isEqualTo(3);
            assertThat(drop.subscriber()).isEqualTo("slow");
            assertThat(drop.reason()).isEqualTo(DroppedMessage.Reason.MAILBOX_FULL);
        });
        release.countDown();
        bus.close();
        assertThat(handled).containsExactly(0, 1, 2);
    }

    @Test
    void dropOldestReportsTheOldestWaitingMessageAndKeepsTheNewOne() throws Exception {
        blockedSubscriber(Delivery.async(executor).overflow(OverflowPolicy.DROP_OLDEST));

        PublishResult result = bus.publish(3);

        assertThat(result.reached()).isEqualTo(1);
        assertThat(dropped).singleElement().satisfies(drop -> {
            assertThat(drop.envelope().payload()).isEqualTo(1);
            assertThat(drop.reason()).isEqualTo(DroppedMessage.Reason.MAILBOX_FULL);
        });
        release.countDown();
        result.completion().get(5, TimeUnit.SECONDS);
        assertThat(handled).containsExactly(0, 2, 3);
    }

    @Test
    void closeReportsWhatItCouldNotDeliverBeforeItsDeadline() throws Exception {
        MessageBus closing = MessageBus.builder().name("impatient").drainTimeout(Duration.ofMillis(50))
                .onDropped(dropped::add).build();
        CountDownLatch inHandler = new CountDownLatch(1);
        closing.subscribe(Integer.class, n -> {
            inHandler.countDown();
            release.await();
            handled.add(n);
        }, Delivery.async(executor).name("stuck"));
        PublishResult first = closing.publish(0);
        assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
        PublishResult second = closing.publish(1);
        PublishResult third = closing.publish(2);

        closing.close();
        release.countDown();

        first.completion().get(5, TimeUnit.SECONDS);
        assertThat(second.completion()).failsWithin(5, TimeUnit.SECONDS);
        assertThat(third.completion()).failsWithin(5, TimeUnit.SECONDS);
        assertThat(handled).containsExactly(0);
        assertThat(dropped).extracting(d -> (Object) d.envelope().payload()).containsExactly(1, 2);
        assertThat(dropped).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(DroppedMessage.Reason.BUS_CLOSED);
            assertThat(d.subscriber()).isEqualTo("stuck");
        });
    }

    @Test
    void anExecutorThatRefusesWorkHasItsMessagesReportedNotLost() {
        ExecutorService shutDown = Executors.newSingleThreadExecutor();
        shutDown.shutdown();
        bus.subscribe(Integer.class, handled::add, Delivery.async(shutDown).name("orphan"));

        PublishResult result = bus.publish(7);

        assertThat(result.completion()).failsWithin(5, TimeUnit.SECONDS);
        assertThat(handled).isEmpty();
        assertThat(dropped).singleElement().satisfies(d -> {
            assertThat(d.envelope().payload()).isEqualTo(7);
            assertThat(d.reason()).isEqualTo(DroppedMessage.Reason.EXECUTOR_REJECTED);
        });
    }

    @Test
    void anExecutorThatThrowsSomethingElseHasItsMessagesReportedAndTheSubscriptionRecovers() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        Executor flaky = task -> {
            if (broken.get()) {
                // As a pool that cannot start a thread throws OutOfMemoryError; not RejectedExecutionException.
                throw new IllegalStateException("unable to create native thread");
            }
            executor.execute(task);
        };
        CountDownLatch four = new CountDownLatch(4);
        bus.subscribe(Integer.class, n -> {
            handled.add(n);
            four.countDown();
        }, Delivery.async(flaky).name("flaky"));
        List<Integer> after = new CopyOnWriteArrayList<>();
        bus.subscribe(Integer.class, after::add, Delivery.sync().name("after"));

        PublishResult refused = bus.publish(1);

        assertThat(refused.completion()).failsWithin(5, TimeUnit.SECONDS);
        assertThat(after).as("the next subscription still got it").containsExactly(1);
        assertThat(dropped).singleElement().satisfies(d -> {
            assertThat(d.envelope().payload()).isEqualTo(1);
            assertThat(d.reason()).isEqualTo(DroppedMessage.Reason.EXECUTOR_REJECTED);
        });

        broken.set(false);
        for (int n = 2; n <= 5; n++) {
            bus.publish(n);
        }
        assertThat(four.await(5, TimeUnit.SECONDS)).as("the mailbox has its slot back").isTrue();
        assertThat(handled).containsExactly(2, 3, 4, 5);
    }

    @Test
    void aDirectExecutorsHandlerErrorIsTheHandlersNotARefusal() {
        bus.subscribe(Integer.class, n -> {
            throw new AssertionError("the handler's own");
        }, Delivery.async(Runnable::run).name("direct"));

        assertThatThrownBy(() -> bus.publish(1)).isInstanceOf(AssertionError.class).hasMessage("the handler's own");
        assertThat(dropped).isEmpty();
    }

    @Test
    void optionsRejectBadValuesQuotingThem() {
        assertThatThrownBy(() -> Delivery.async(executor).capacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be positive, but was 0");
        assertThatThrownBy(() -> Delivery.async(executor).concurrency(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("concurrency must be positive, but was -1");
        assertThatThrownBy(() -> Delivery.async(executor).blockTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("blockTimeout must be positive, but was PT0S");
        assertThatThrownBy(() -> Delivery.sync().capacity(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("capacity applies to asynchronous delivery");
        assertThatThrownBy(() -> Delivery.async().propagateFailures()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MessageBus.builder().name(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be blank, but was ' '");
        assertThatThrownBy(() -> MessageBus.builder().drainTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("drainTimeout must not be negative, but was PT-1S");
    }
}
