package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.Subscribe;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.busline.tests.Events.Circle;
import org.busline.tests.Events.Shape;
import org.busline.tests.Events.Square;
import org.junit.jupiter.api.Test;

/** Retained topics through the public API, after greenrobot's sticky-event cases. */
class RetainedTopicTest {
    record Price(String symbol, int cents) {}

    static final Topic<Price> PRICES = Topic.of("prices", Price.class);
    static final Topic<String> OTHER = Topic.of("other", String.class);

    @Test
    void lateSubscriberReceivesTheLastMessageOnceThenTheStream() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.publish(PRICES, new Price("ACME", 2));
            List<Integer> received = new ArrayList<>();

            bus.subscribe(PRICES, price -> received.add(price.cents()));
            assertThat(received).containsExactly(2);

            bus.publish(PRICES, new Price("ACME", 3));
            assertThat(received).containsExactly(2, 3);
        }
    }

    @Test
    void subscriberMadeBeforeThePublishReceivesItOnlyAsAPublish() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            List<Integer> received = new ArrayList<>();
            bus.subscribe(PRICES, price -> received.add(price.cents()));
            assertThat(received).isEmpty();

            bus.publish(PRICES, new Price("ACME", 1));

            assertThat(received).containsExactly(1);
            assertThat(bus.retained(PRICES)).contains(new Price("ACME", 1));
        }
    }

    @Test
    void retainedIsEmptyUntilAPublishAndThenTheLastMessageTyped() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            assertThat(bus.retained(PRICES)).isEmpty();
            bus.publish(PRICES, new Price("ACME", 7));
            bus.publish(Envelope.of(PRICES, new Price("ACME", 8)).withHeader("source", "feed"));

            Optional<Price> last = bus.retained(PRICES);
            assertThat(last.map(Price::cents)).contains(8);
            assertThat(bus.retainedEnvelope(PRICES)).hasValueSatisfying(envelope -> {
                assertThat(envelope.payload().cents()).isEqualTo(8);
                assertThat(envelope.headers()).containsEntry("source", "feed");
            });
        }
    }

    @Test
    void clearingForgetsTheLastMessageButTheTopicStaysRetained() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).retain(Circle.class).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.publish(new Circle("c"));

            assertThat(bus.clearRetained(PRICES)).isTrue();
            assertThat(bus.clearRetained(PRICES)).isFalse();
            assertThat(bus.retained(PRICES)).isEmpty();
            List<Price> received = new ArrayList<>();
            bus.subscribe(PRICES, received::add);
            assertThat(received).isEmpty();

            bus.publish(PRICES, new Price("ACME", 2));
            assertThat(bus.retained(PRICES)).contains(new Price("ACME", 2));
            assertThat(bus.clearAllRetained()).isEqualTo(2);
            assertThat(bus.retained(PRICES)).isEmpty();
            assertThat(bus.retained(Topic.of(Circle.class))).isEmpty();
            assertThat(bus.clearAllRetained()).isZero();
        }
    }

    @Test
    void asynchronousSubscriberReceivesTheRetainedMessageThroughItsMailboxBeforeLaterOnes() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<String> received = new CopyOnWriteArrayList<>();

            bus.subscribe(PRICES, price -> received.add(Thread.currentThread().getName() + ":" + price.cents()),
                    Delivery.async(executor));
            bus.publish(PRICES, new Price("ACME", 2));
            assertThat(received).as("nothing runs on the subscribing thread").isEmpty();
            assertThat(bus.subscriptions().get(0).queued()).isEqualTo(2);

            Thread drainer = new Thread(executor::runAll, "drainer");
            drainer.start();
            join(drainer);

            assertThat(received).containsExactly("drainer:1", "drainer:2");
        }
    }

    @Test
    void handlerOfAnInlineExecutorDoesNotRunUnderTheBusLock() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<Integer> received = new CopyOnWriteArrayList<>();
            AtomicInteger publishedMeanwhile = new AtomicInteger();
            AtomicBoolean finishedWhileWaiting = new AtomicBoolean();

            bus.subscribe(PRICES, price -> {
                received.add(price.cents());
                if (price.cents() == 1) {
                    // Another thread publishes on the retained topic while this handler waits for it: it would wait
                    // for ever if the handler ran under the lock that orders retained publishes and subscriptions.
                    Thread other = new Thread(() -> {
                        bus.publish(PRICES, new Price("ACME", 2));
                        publishedMeanwhile.incrementAndGet();
                    });
                    other.start();
                    other.join(5_000);
                    finishedWhileWaiting.set(!other.isAlive());
                }
            }, Delivery.async(Runnable::run));

            assertThat(finishedWhileWaiting).isTrue();
            assertThat(publishedMeanwhile).hasValue(1);
            assertThat(received).containsExactly(1, 2);
        }
    }

    @Test
    void retainedMessageBeyondTheMailboxCapacityIsReportedAsDropped() {
        ManualExecutor executor = new ManualExecutor();
        List<Object> dropped = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().retain(Circle.class).retain(Square.class)
                .onDropped(d -> dropped.add(d.envelope().payload())).build()) {
            bus.publish(new Circle("c"));
            bus.publish(new Square("s"));
            List<Shape> received = new CopyOnWriteArrayList<>();

            bus.subscribe(Shape.class, received::add,
                    Delivery.async(executor).capacity(1).overflow(OverflowPolicy.FAIL));
            executor.runAll();

            assertThat(received).containsExactly(new Circle("c"));
            assertThat(dropped).containsExactly(new Square("s"));
        }
    }

    @Test
    void publishWithoutSubscriberIsKeptAndNotADeadMessage() {
        List<DeadMessage> dead = new ArrayList<>();
        try (MessageBus bus = MessageBus.builder().retain(PRICES).onDeadMessage(dead::add).build()) {
            assertThat(bus.publish(PRICES, new Price("ACME", 1)).reached()).isZero();
            bus.publish(OTHER, "nobody");

            assertThat(dead).extracting(d -> (Object) d.envelope().payload()).containsExactly("nobody");
            assertThat(bus.retained(PRICES)).isPresent();
        }
    }

    @Test
    void supertypeSubscriberReceivesTheRetainedMessageOfEveryRetainedSubtype() {
        try (MessageBus bus = MessageBus.builder().retain(Circle.class).retain(Square.class).build()) {
            bus.publish(new Square("s1"));
            bus.publish(new Circle("c1"));
            List<Shape> shapes = new ArrayList<>();
            List<Object> objects = new ArrayList<>();

            bus.subscribe(Shape.class, shapes::add);
            bus.subscribe(Object.class, objects::add);

            assertThat(shapes).as("in the order the topics were retained")
                    .containsExactly(new Circle("c1"), new Square("s1"));
            assertThat(objects).containsExactly(new Circle("c1"), new Square("s1"));
        }
    }

    @Test
    void retainingASupertypeDoesNotRetainWhatIsPublishedOnTheSubtypesTopics() {
        Topic<Shape> shapes = Topic.of(Shape.class);
        try (MessageBus bus = MessageBus.builder().retain(shapes).build()) {
            bus.publish(new Circle("on its own type topic"));
            assertThat(bus.retained(shapes)).isEmpty();

            bus.publish(shapes, new Circle("on the supertype's topic"));
            assertThat(bus.retained(shapes)).contains(new Circle("on the supertype's topic"));
            List<Shape> received = new ArrayList<>();
            bus.subscribe(Shape.class, received::add);
            assertThat(received).containsExactly(new Circle("on the supertype's topic"));
        }
    }

    @Test
    void patternSubscriberAndEnvelopeSubscriberReceiveTheRetainedEnvelope() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(Envelope.of(PRICES, new Price("ACME", 5)).withHeader("k", "v"));
            List<String> received = new ArrayList<>();

            bus.subscribePattern("quotes.*", envelope -> received.add("pattern"));
            bus.subscribePattern("*", envelope -> received.add("any:" + envelope.headers().get("k")));
            bus.subscribeEnvelopes(PRICES, envelope -> received.add("envelope:" + envelope.payload().cents()));

            assertThat(received).containsExactly("any:v", "envelope:5");
        }
    }

    static final class Ticker {
        final List<Object> received = new ArrayList<>();

        @Subscribe(topic = "prices")
        void onPrice(Price price) {
            received.add(price);
        }

        @Subscribe
        void onCircle(Circle circle) {
            received.add(circle);
        }
    }

    @Test
    void registeredObjectReceivesTheRetainedMessagesOfItsMethods() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).retain(Circle.class).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.publish(new Circle("c"));
            Ticker ticker = new Ticker();

            bus.register(ticker);

            assertThat(ticker.received).containsExactlyInAnyOrder(new Price("ACME", 1), new Circle("c"));
        }
    }

    @Test
    void sendIsNeitherRetainedNorReplacesTheRetainedMessage() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            List<Integer> received = new ArrayList<>();
            bus.subscribe(PRICES, price -> received.add(price.cents()));
            bus.publish(PRICES, new Price("ACME", 1));
            bus.send(PRICES, new Price("ACME", 2));

            assertThat(received).containsExactly(1, 2);
            assertThat(bus.retained(PRICES).map(Price::cents)).contains(1);
        }
    }

    @Test
    void requestsAreNotRetainedAndRespondersReceiveNoRetainedMessage() throws Exception {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<Integer> answered = new ArrayList<>();
            bus.respond(PRICES, price -> {
                answered.add(price.cents());
                return price.cents() * 2;
            });
            assertThat(answered).as("a responder gets no retained message").isEmpty();

            assertThat(bus.request(PRICES, new Price("ACME", 21), Integer.class, java.time.Duration.ofSeconds(5))
                    .get()).isEqualTo(42);

            assertThat(answered).containsExactly(21);
            assertThat(bus.retained(PRICES).map(Price::cents)).contains(1);
        }
    }

    @Test
    void vetoedMessageIsNotRetainedAndTheInterceptedOneIs() {
        Interceptor interceptor = new Interceptor() {
            @Override
            public <T> Envelope<T> onPublish(Envelope<T> envelope) {
                if (envelope.payload() instanceof Price price && price.cents() < 0) {
                    return null;
                }
                return envelope.withHeader("seen", "yes");
            }
        };
        try (MessageBus bus = MessageBus.builder().retain(PRICES).interceptor(interceptor).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.publish(PRICES, new Price("ACME", -1));

            assertThat(bus.retainedEnvelope(PRICES)).hasValueSatisfying(envelope -> {
                assertThat(envelope.payload().cents()).isEqualTo(1);
                assertThat(envelope.headers()).containsEntry("seen", "yes");
            });
        }
    }

    @Test
    void deliveryOfTheRetainedMessageRunsTheInterceptorsAroundTheHandlerButNotOnPublishAgain() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Interceptor interceptor = new Interceptor() {
            @Override
            public <T> Envelope<T> onPublish(Envelope<T> envelope) {
                calls.add("onPublish");
                return envelope;
            }

            @Override
            public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
                calls.add("before " + subscriber);
                return true;
            }
        };
        try (MessageBus bus = MessageBus.builder().retain(PRICES).interceptor(interceptor).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.subscribe(PRICES, price -> calls.add("handler"), Delivery.sync().name("late"));

            assertThat(calls).containsExactly("onPublish", "before late", "handler");
        }
    }

    @Test
    void failingHandlerOfTheRetainedMessageIsReportedNotThrownToTheSubscriber() {
        List<Object> failed = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().retain(PRICES)
                .onError(failure -> failed.add(failure.envelope().payload())).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            AtomicInteger calls = new AtomicInteger();

            Subscription subscription = bus.subscribe(PRICES, price -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            }, Delivery.sync().propagateFailures());

            assertThat(subscription.isActive()).isTrue();
            assertThat(calls).hasValue(1);
            assertThat(failed).containsExactly(new Price("ACME", 1));
        }
    }

    @Test
    void subscribingFromAHandlerReceivesTheRetainedMessageAfterTheCurrentOne() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<String> order = new ArrayList<>();
            bus.subscribe(OTHER, text -> {
                bus.subscribe(PRICES, price -> order.add("retained " + price.cents()));
                order.add("handler done");
            });

            bus.publish(OTHER, "go");

            assertThat(order).containsExactly("handler done", "retained 1");
        }
    }

    @Test
    void messagePublishedWhileTheRetainedOneIsHandedOverComesAfterIt() throws Exception {
        CountDownLatch handingOver = new CountDownLatch(1);
        CountDownLatch published = new CountDownLatch(1);
        // Holds the late subscription's retained delivery until another thread has published the next price.
        Interceptor holdRetained = new Interceptor() {
            @Override
            public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
                if (subscriber.equals("late") && envelope.payload().equals(new Price("ACME", 1))) {
                    handingOver.countDown();
                    await(published);
                }
                return true;
            }
        };
        try (MessageBus bus = MessageBus.builder().retain(PRICES).interceptor(holdRetained).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<Integer> received = new CopyOnWriteArrayList<>();
            Thread subscriber = new Thread(() -> bus.subscribe(PRICES, price -> received.add(price.cents()),
                    Delivery.sync().name("late")));
            subscriber.start();
            await(handingOver);

            bus.publish(PRICES, new Price("ACME", 2));
            published.countDown();
            join(subscriber);

            assertThat(received).as("the retained price first, then the newer one, each once").containsExactly(1, 2);
            bus.publish(PRICES, new Price("ACME", 3));
            assertThat(received).as("after the hand-over, on the publisher's thread again").containsExactly(1, 2, 3);
        }
    }

    @Test
    void retainedHandlerPublishingOnItsOwnTopicReceivesThatMessageAfterTheRetainedOne() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<Integer> received = new ArrayList<>();
            bus.subscribe(PRICES, price -> {
                received.add(price.cents());
                if (price.cents() == 1) {
                    bus.publish(PRICES, new Price("ACME", 2));
                    received.add(-1);   // the nested publish has not reached this handler yet
                }
            });

            assertThat(received).containsExactly(1, -1, 2);
            assertThat(bus.retained(PRICES)).contains(new Price("ACME", 2));
        }
    }

    @Test
    void anErrorOfTheRetainedHandlerStrandsNoMessageOfTheHandOver() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).retain(OTHER).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.publish(OTHER, "kept");
            List<Object> received = new ArrayList<>();

            assertThatThrownBy(() -> bus.subscribePattern("*", envelope -> {
                received.add(envelope.payload());
                if (envelope.payload() instanceof Price) {
                    throw new AssertionError("fatal");
                }
            })).isInstanceOf(AssertionError.class).hasMessage("fatal");

            assertThat(received).containsExactly(new Price("ACME", 1), "kept");
            bus.publish(OTHER, "later");
            assertThat(received).as("the hand-over ended: publishes reach the handler directly")
                    .containsExactly(new Price("ACME", 1), "kept", "later");
        }
    }

    /** Two synchronous methods, each on a retained topic (subscribed in name order); the first fails fatally on its
     * retained message. */
    public static final class TwoMethods {
        final List<Object> received = new ArrayList<>();

        @Subscribe(topic = "prices")
        public void first(Price price) {
            received.add(price);
            if (price.cents() == 1) {
                throw new AssertionError("fatal");
            }
        }

        @Subscribe(topic = "other")
        public void second(String text) {
            received.add(text);
        }
    }

    @Test
    void anErrorOfOneRegisteredMethodsRetainedMessageLeavesTheOthersHandOverToRun() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).retain(OTHER).build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            bus.publish(OTHER, "kept");
            TwoMethods subscriber = new TwoMethods();

            assertThatThrownBy(() -> bus.register(subscriber)).isInstanceOf(AssertionError.class).hasMessage("fatal");

            assertThat(subscriber.received).containsExactly(new Price("ACME", 1), "kept");
            bus.publish(OTHER, "later");
            bus.publish(PRICES, new Price("ACME", 2));
            assertThat(subscriber.received).as("neither subscription stays diverted")
                    .containsExactly(new Price("ACME", 1), "kept", "later", new Price("ACME", 2));
        }
    }

    @Test
    void aTopicThatIsNotRetainedIsRefusedByName() {
        try (MessageBus bus = MessageBus.builder().retain(PRICES).build()) {
            assertThatThrownBy(() -> bus.retained(OTHER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'other'").hasMessageContaining("not retained")
                    .hasMessageContaining("'prices'");
            assertThatThrownBy(() -> bus.clearRetained(OTHER)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> bus.retained(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("topic");
            assertThatThrownBy(() -> MessageBus.builder().retain((Topic<?>) null))
                    .isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void retainedMessagesCanBeReadAfterClose() {
        MessageBus bus = MessageBus.builder().retain(PRICES).build();
        bus.publish(PRICES, new Price("ACME", 1));
        bus.close();

        assertThat(bus.retained(PRICES)).contains(new Price("ACME", 1));
        assertThat(bus.clearRetained(PRICES)).isTrue();
    }

    @Test
    void busWithoutRetainedTopicsDeliversNothingToNewSubscribers() {
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.publish(PRICES, new Price("ACME", 1));
            List<Price> received = new ArrayList<>();
            bus.subscribe(PRICES, received::add);
            assertThat(received).isEmpty();
            assertThatThrownBy(() -> bus.retained(PRICES)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(thread.isAlive()).isFalse();
    }
}
