package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.DeliveryFailure;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.Test;

/** An {@link Error} thrown by a synchronous handler: the others still get the message, then the Error is rethrown. */
class ErrorInSyncHandlerTest {
    private static final Topic<String> NESTED = Topic.of("nested", String.class);

    @Test
    void deliversToTheSubscribersAfterTheOneThatThrewAnErrorThenRethrowsIt() {
        List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
        List<String> received = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failures::add).build()) {
            bus.subscribe(OrderPlaced.class, order -> received.add("first " + order.orderId()));
            bus.subscribe(OrderPlaced.class, order -> {
                throw new AssertionError("fatal");
            });
            bus.subscribe(OrderPlaced.class, order -> received.add("third " + order.orderId()));
            bus.subscribe(OrderPlaced.class, order -> {
                throw new AssertionError("fatal too");
            });

            assertThatThrownBy(() -> bus.publish(new OrderPlaced("o-1"))).isInstanceOf(AssertionError.class)
                    .hasMessage("fatal").satisfies(error -> assertThat(error.getSuppressed())
                            .singleElement().satisfies(second -> assertThat(second).hasMessage("fatal too")));

            assertThat(received).containsExactly("first o-1", "third o-1");
            assertThat(failures).extracting(f -> f.cause().getMessage()).containsExactly("fatal", "fatal too");
        }
    }

    @Test
    void leavesNothingQueuedOnTheThreadWhenAHandlerThrowsAnError() {
        List<String> nested = new CopyOnWriteArrayList<>();
        MessageBus first = MessageBus.builder().name("first").onError(failure -> { }).build();
        first.subscribe(NESTED, nested::add);
        first.subscribe(OrderPlaced.class, order -> {
            first.publish(NESTED, "published by " + order.orderId());
            throw new AssertionError("fatal");
        });

        assertThatThrownBy(() -> first.publish(new OrderPlaced("o-1"))).isInstanceOf(AssertionError.class);
        assertThat(nested).as("the nested publish is delivered before the Error is rethrown")
                .containsExactly("published by o-1");
        first.close();

        try (MessageBus second = MessageBus.builder().name("second").build()) {
            List<String> seenBySecond = new CopyOnWriteArrayList<>();
            second.subscribe(OrderPlaced.class, order -> seenBySecond.add(order.orderId()));
            second.publish(new OrderPlaced("o-2"));
            assertThat(seenBySecond).containsExactly("o-2");
        }
        assertThat(nested).as("nothing of the first bus is delivered inside a publish on another bus")
                .containsExactly("published by o-1");
    }

    @Test
    void anErrorInANestedDeliveryLetsTheRestOfTheChainRunThenReachesTheOutermostPublisher() {
        List<String> received = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failure -> { }).build()) {
            bus.subscribe(NESTED, text -> {
                throw new AssertionError("nested " + text);
            });
            bus.subscribe(NESTED, text -> received.add("after " + text));
            bus.subscribe(OrderPlaced.class, order -> {
                bus.publish(NESTED, "a");
                bus.publish(NESTED, "b");
                received.add("outer " + order.orderId());
            });

            assertThatThrownBy(() -> bus.publish(new OrderPlaced("o-1"))).isInstanceOf(AssertionError.class)
                    .hasMessage("nested a").satisfies(error -> assertThat(error.getSuppressed())
                            .extracting(Throwable::getMessage).containsExactly("nested b"));

            assertThat(received).containsExactly("outer o-1", "after a", "after b");
        }
    }
}
