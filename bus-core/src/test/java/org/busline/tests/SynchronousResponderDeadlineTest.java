package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.busline.DeliveryFailure;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Topic;
import org.junit.jupiter.api.Test;

/** The deadline of a request to a synchronous responder, which runs on the requester's thread, on real time. */
class SynchronousResponderDeadlineTest {
    private static final Topic<Integer> SQUARE = Topic.of("math.square", Integer.class);

    @Test
    void aResponderThatWaitsPastTheDeadlineIsInterruptedAndTheRequesterGetsTheTimeoutAtTheDeadline() {
        List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failures::add).build()) {
            bus.respond(SQUARE, n -> {
                Thread.sleep(10_000);
                return n * n;
            });

            long start = System.nanoTime();
            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, Duration.ofMillis(100));
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(waitedMillis).as("the requester waited about its deadline, not the responder's 10 s")
                    .isLessThan(5_000);
            assertThat(reply).isCompletedExceptionally();
            assertThat(reply.handle((value, failure) -> failure).join())
                    .isInstanceOfSatisfying(RequestException.class, failure -> {
                        assertThat(failure.reason()).isEqualTo(RequestException.Reason.TIMEOUT);
                        assertThat(failure).hasMessageContaining("synchronous responder");
                    });
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt does not leak").isFalse();
            assertThat(failures).singleElement()
                    .satisfies(failure -> assertThat(failure.cause()).isInstanceOf(TimeoutException.class));
        }
    }

    @Test
    void aResponderThatAnswersWithinTheDeadlineIsNeitherInterruptedNorLate() throws Exception {
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.respond(SQUARE, n -> {
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
                return n * n;
            });

            for (int i = 0; i < 1_000; i++) {
                assertThat(bus.request(SQUARE, i, Integer.class, Duration.ofSeconds(5))).isCompletedWithValue(i * i);
            }
            Thread.sleep(20);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }
}
