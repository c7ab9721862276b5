package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.MailboxFullException;
import org.busline.MessageBus;
import org.busline.NoConsumerException;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PointToPointTest {
    private static final Topic<Integer> WORK = Topic.of("work.items", Integer.class);

    record Job(int number) {
    }

    @Test
    void sendsEachMessageToExactlyOneConsumerInStrictRotation() {
        try (MessageBus bus = MessageBus.builder().build()) {
            List<List<Integer>> received = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                List<Integer> mine = new ArrayList<>();
                received.add(mine);
                bus.subscribe(WORK, mine::add);
            }

            for (int n = 0; n < 1000; n++) {
                assertThat(bus.send(WORK, n).reached()).isEqualTo(1);
            }

            assertThat(received).allSatisfy(mine -> assertThat(mine).hasSize(250));
            for (List<Integer> mine : received) {
                int consumer = mine.get(0);
                assertThat(mine).allSatisfy(n -> assertThat(n % 4).isEqualTo(consumer % 4));
            }
            assertThat(received.stream().flatMap(List::stream).distinct().count()).isEqualTo(1000);
        }
    }

    @ParameterizedTest(name = "{0} consumers")
    @ValueSource(strings = {"sync", "async"})
    void distributesEvenlyAmongFourConsumersUnderFourConcurrentSenders(String mode) throws Exception {
        int senders = 4;
        int perSender = 5_000;
        int total = senders * perSender;
        ExecutorService pool = Executors.newFixedThreadPool(senders + 4);
        try (MessageBus bus = MessageBus.builder().drainTimeout(Duration.ofSeconds(30)).build()) {
            List<List<Integer>> received = new ArrayList<>();
            CountDownLatch handled = new CountDownLatch(total);
            for (int i = 0; i < 4; i++) {
                List<Integer> mine = Collections.synchronizedList(new ArrayList<>());
                received.add(mine);
                Delivery delivery = mode.equals("sync") ? Delivery.sync()
                        : Delivery.async(pool).capacity(total);
                bus.subscribe(WORK, n -> {
                    mine.add(n);
                    handled.countDown();
                }, delivery);
            }
            CountDownLatch start = new CountDownLatch(1);
            List<java.util.concurrent.Future<?>> sending = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int first = s * perSender;
                sending.add(pool.submit(() -> {
                    start.await();
                    for (int n = first; n < first + perSender; n++) {
                        bus.send(WORK, n);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> future : sending) {
                future.get(30, TimeUnit.SECONDS);
            }
            assertThat(handled.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(received).allSatisfy(mine -> assertThat(mine.size()).isBetween(total / 4 - 1, total / 4 + 1));
            Set<Integer> all = new HashSet<>();
            received.forEach(all::addAll);
            assertThat(all).hasSize(total);
            assertThat(received.stream().mapToInt(List::size).sum()).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void skipsAConsumerWhoseMailboxIsFull() {
        ManualExecutor stalled = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().drainTimeout(Duration.ZERO).onDropped(dropped -> { }).build()) {
            List<Integer> slow = new ArrayList<>();
            List<Integer> fast = new ArrayList<>();
            bus.subscribe(WORK, slow::add, Delivery.async(stalled).capacity(2).overflow(OverflowPolicy.FAIL));
            bus.subscribe(WORK, fast::add);

            for (int n = 0; n < 10; n++) {
                assertThat(bus.send(WORK, n).reached()).isEqualTo(1);
            }
            stalled.runAll();

            assertThat(slow).containsExactly(0, 2);
            assertThat(fast).hasSize(8).doesNotContain(0, 2);
        }
    }

    @Test
    void appliesTheOverflowPolicyOfTheConsumerWhoseTurnItWasWhenNoneHasRoom() {
        ManualExecutor stalled = new ManualExecutor();
        List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().drainTimeout(Duration.ZERO).onDropped(dropped::add).build()) {
            bus.subscribe(WORK, n -> { }, Delivery.async(stalled).capacity(1).overflow(OverflowPolicy.FAIL)
                    .name("refusing"));
            bus.subscribe(WORK, n -> { }, Delivery.async(stalled).capacity(1).overflow(OverflowPolicy.DROP_NEWEST)
                    .name("dropping"));
            bus.send(WORK, 1);
            bus.send(WORK, 2);

            assertThatThrownBy(() -> bus.send(WORK, 3)).isInstanceOf(MailboxFullException.class)
                    .hasMessageContaining("refusing").hasMessageContaining("work.items");
            PublishResult result = bus.send(WORK, 4);

            assertThat(result.reached()).isZero();
            assertThat(result.completion()).isCompletedExceptionally();
            assertThat(dropped).singleElement().satisfies(drop -> {
                assertThat(drop.subscriber()).isEqualTo("dropping");
                assertThat(drop.envelope().payload()).isEqualTo(4);
                assertThat(drop.reason()).isEqualTo(DroppedMessage.Reason.MAILBOX_FULL);
            });
        }
    }

    @Test
    void sendsToTheDeadMessageHandlerWhenTheTopicHasNoConsumer() {
        List<DeadMessage> dead = new ArrayList<>();
        try (MessageBus bus = MessageBus.builder().onDeadMessage(dead::add).build()) {
            List<DeadMessage> observed = new ArrayList<>();
            bus.subscribe(DeadMessage.class, observed::add);

            PublishResult result = bus.send(WORK, 7);

            assertThat(result.reached()).isZero();
            assertThat(dead).singleElement().satisfies(message -> {
                assertThat(message.envelope().payload()).isEqualTo(7);
                assertThat(message.envelope().topic()).isEqualTo(WORK);
            });
            assertThat(observed).hasSize(1);
        }
    }

    @Test
    void failsASendWithoutConsumerWhenConfiguredTo() {
        List<DeadMessage> dead = new ArrayList<>();
        try (MessageBus bus = MessageBus.builder().failSendsWithoutConsumer(true).onDeadMessage(dead::add).build()) {
            assertThatThrownBy(() -> bus.send(WORK, 7)).isInstanceOfSatisfying(NoConsumerException.class,
                    failure -> assertThat(failure.topic()).isEqualTo("work.items"))
                    .hasMessageContaining("'work.items'").hasMessageContaining("no consumer");
            assertThatThrownBy(() -> bus.send(new Job(1))).isInstanceOf(NoConsumerException.class)
                    .hasMessageContaining(Job.class.getName());
            assertThat(dead).isEmpty();

            bus.publish(WORK, 8);
            assertThat(dead).hasSize(1);
        }
    }

    @Test
    void sendsABareMessageOnTheTypeTopicOfItsClassIncludingSupertypeSubscribers() {
        try (MessageBus bus = MessageBus.builder().build()) {
            List<Object> records = new ArrayList<>();
            List<Object> jobs = new ArrayList<>();
            bus.subscribe(Record.class, records::add);
            bus.subscribe(Job.class, jobs::add);

            for (int n = 0; n < 6; n++) {
                bus.send(new Job(n));
            }

            assertThat(records).hasSize(3);
            assertThat(jobs).hasSize(3);
        }
    }

    @Test
    void tellsTheSenderWhenAnAsynchronousConsumerHasHandledTheMessage() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().build()) {
            AtomicInteger handled = new AtomicInteger();
            bus.subscribe(WORK, n -> handled.incrementAndGet(), Delivery.async(executor));

            PublishResult result = bus.send(WORK, 1);
            assertThat(result.reached()).isEqualTo(1);
            assertThat(result.completion()).isNotDone();

            executor.runAll();
            assertThat(result.completion()).isCompleted();
            assertThat(handled).hasValue(1);
        }
    }

    @Test
    void throwsTheFailureOfAPropagatingConsumer() {
        try (MessageBus bus = MessageBus.builder().onError(failure -> { }).build()) {
            bus.subscribe(WORK, n -> {
                throw new IllegalStateException("no stock");
            }, Delivery.sync().propagateFailures());

            assertThatThrownBy(() -> bus.send(WORK, 1)).isInstanceOf(DeliveryException.class)
                    .hasRootCauseMessage("no stock");
        }
    }

    @Test
    void deliversASendFromInsideAHandlerAfterTheCurrentMessageWithItsCorrelation() {
        Topic<String> orders = Topic.of("orders", String.class);
        try (MessageBus bus = MessageBus.builder().build()) {
            List<String> events = new ArrayList<>();
            List<Envelope<? extends Integer>> work = new ArrayList<>();
            bus.subscribeEnvelopes(orders, order -> {
                bus.send(WORK, 1);
                events.add("order handled");
            }, Delivery.sync());
            bus.subscribeEnvelopes(WORK, envelope -> {
                work.add(envelope);
                events.add("work handled");
            }, Delivery.sync());

            Envelope<String> order = Envelope.of(orders, "o-1").withCorrelationId("flow-1");
            bus.publish(order);

            assertThat(events).containsExactly("order handled", "work handled");
            assertThat(work).singleElement().satisfies(envelope -> {
                assertThat(envelope.correlationId()).isEqualTo("flow-1");
                assertThat(envelope.causationId()).isEqualTo(order.id());
            });
        }
    }

    @Test
    void refusesToSendOnAClosedBus() {
        MessageBus bus = MessageBus.builder().build();
        bus.close();

        assertThatThrownBy(() -> bus.send(WORK, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("send()");
    }

    @Test
    void refusesAMessageOfAnotherTypeThanTheTopics() {
        try (MessageBus bus = MessageBus.builder().build()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Topic<Object> raw = (Topic) WORK;
            assertThatThrownBy(() -> bus.send(raw, "text")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("work.items");
        }
    }
}
