package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.PublishResult;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Publishing from inside a synchronous handler. */
class ReentrancyTest {
    private static final Topic<Integer> CHAIN = Topic.of("chain", Integer.class);
    private static final Topic<Integer> CHAIN_DONE = Topic.of("chain.done", Integer.class);

    private final MessageBus bus = MessageBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    @Test
    void aChainOfAMillionNestedPublishesNeverOverflowsTheStack() {
        AtomicInteger last = new AtomicInteger();
        bus.subscribe(CHAIN, n -> {
            last.set(n);
            if (n < 1_000_000) {
                bus.publish(CHAIN, n + 1);
            }
        });

        bus.publish(CHAIN, 1);

        assertThat(last).hasValue(1_000_000);
    }

    @Test
    void deliversNestedMessagesAfterTheCurrentOneReachedEverySubscriberBreadthFirst() {
        List<String> log = new ArrayList<>();
        bus.subscribe(String.class, text -> {
            log.add("first:" + text);
            if (text.equals("a")) {
                bus.publish("b");
                bus.publish("c");
                log.add("first published b and c");
            }
        });
        bus.subscribe(String.class, text -> log.add("second:" + text));

        bus.publish("a");

        assertThat(log).containsExactly("first:a", "first published b and c", "second:a", "first:b", "second:b",
                "first:c", "second:c");
    }

    @Test
    void everythingANestedPublishStartedIsDoneWhenTheOutermostPublishReturns() throws Exception {
        List<Integer> received = new ArrayList<>();
        List<PublishResult> nested = new ArrayList<>();
        bus.subscribe(Integer.class, n -> {
            received.add(n);
            if (n < 3) {
                nested.add(bus.publish(n + 1));
            }
        });

        bus.publish(1);

        assertThat(received).containsExactly(1, 2, 3);
        assertThat(nested).hasSize(2).allSatisfy(result -> {
            assertThat(result.reached()).isEqualTo(1);
            assertThat(result.completion()).succeedsWithin(0, TimeUnit.SECONDS);
        });
    }

    @Test
    void aHandlersPublishOnAnotherBusIsDeliveredWithinThatCallAndPropagatesItsFailure() {
        try (MessageBus billing = MessageBus.builder().name("billing").build()) {
            List<String> order = new ArrayList<>();
            List<Envelope<?>> charged = new ArrayList<>();
            billing.subscribe(CHAIN, n -> {
                order.add("billing handled " + n);
                charged.add(billing.currentEnvelope().orElseThrow());
                throw new IllegalStateException("roll back " + n);
            }, Delivery.sync().name("charge").propagateFailures());
            List<Throwable> caught = new ArrayList<>();
            List<Envelope<?>> handled = new ArrayList<>();
            bus.subscribe(CHAIN, n -> {
                handled.add(bus.currentEnvelope().orElseThrow());
                bus.publish(CHAIN_DONE, n);   // same bus: after this handler returns
                try {
                    billing.publish(CHAIN, n);
                } catch (DeliveryException failed) {
                    caught.add(failed);
                }
                order.add("billing.publish returned");
            });
            bus.subscribe(CHAIN_DONE, n -> order.add("done " + n));

            bus.publish(CHAIN, 7);

            assertThat(order).containsExactly("billing handled 7", "billing.publish returned", "done 7");
            assertThat(caught).singleElement().satisfies(failure -> assertThat(failure).hasRootCauseMessage(
                    "roll back 7"));
            assertThat(charged.get(0).causationId()).as("the other bus's message is caused by this handler's")
                    .isEqualTo(handled.get(0).id());
            assertThat(charged.get(0).correlationId()).isEqualTo(handled.get(0).correlationId());
        }
    }
}
