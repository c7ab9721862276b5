package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.busline.CircuitBreakerPolicy;
import org.busline.Delivery;
import org.busline.RetryPolicy;
import org.junit.jupiter.api.Test;

/** The options themselves: validation, bounds, immutability. */
class ResiliencePolicyTest {

    @Test
    void boundsEachRetryByTheCappedExponential() {
        RetryPolicy policy = RetryPolicy.of(10).backoff(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(policy.maxDelay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.maxDelay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.maxDelay(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.maxDelay(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.maxDelay(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.maxDelay(64)).as("no overflow").isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.maxDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
        RetryPolicy wide = RetryPolicy.of(2).backoff(Duration.ofNanos(1), Duration.ofDays(100_000));
        assertThat(wide.maxDelay(63)).isEqualTo(Duration.ofNanos(1L << 62));
        assertThat(wide.maxDelay(64)).as("2^63 ns would overflow").isEqualTo(Duration.ofDays(100_000));
    }

    @Test
    void drawsEveryDelayFromZeroToItsBound() {
        RetryPolicy policy = RetryPolicy.of(10).backoff(Duration.ofMillis(10), Duration.ofMillis(300));
        RetryPolicy seeded = policy.random(new SplittableRandom(7));
        for (int retry = 1; retry <= 9; retry++) {
            for (int draw = 0; draw < 1_000; draw++) {
                assertThat(seeded.delay(retry)).isBetween(Duration.ZERO, policy.maxDelay(retry));
                assertThat(policy.delay(retry)).isBetween(Duration.ZERO, policy.maxDelay(retry));
            }
        }
        assertThat(policy.random(() -> 0L).delay(3)).isZero();
        assertThat(policy.random(() -> -1L).delay(3)).isBetween(Duration.ofMillis(40).minusNanos(1),
                Duration.ofMillis(40));
    }

    @Test
    void neverRetriesAnError() {
        RetryPolicy policy = RetryPolicy.of(3).retryOn(failure -> true);
        assertThat(policy.isRetryable(new IOException("reset"))).isTrue();
        assertThat(policy.isRetryable(new AssertionError("bug"))).isFalse();
    }

    @Test
    void quotesTheBadValue() {
        assertThatThrownBy(() -> RetryPolicy.of(0)).hasMessage("maxAttempts must be positive, but was 0");
        assertThatThrownBy(() -> RetryPolicy.of(3).backoff(Duration.ofMillis(-1), Duration.ZERO))
                .hasMessage("base must not be negative, but was PT-0.001S");
        assertThatThrownBy(() -> RetryPolicy.of(3).backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("cap must not be less than base PT2S, but was PT1S");
        assertThatThrownBy(() -> RetryPolicy.of(3).maxDelay(0)).hasMessage("retry must be positive, but was 0");
        assertThatThrownBy(() -> Delivery.async().concurrency(0))
                .hasMessage("concurrency must be positive, but was 0");
        assertThatThrownBy(() -> RetryPolicy.of(3).retryOn(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("retryable");
    }

    @Test
    void refinesADeliveryIntoANewInstance() {
        Delivery base = Delivery.async().name("inventory");
        RetryPolicy retry = RetryPolicy.of(3);
        CircuitBreakerPolicy breaker = CircuitBreakerPolicy.ofFailureCount(5, Duration.ofSeconds(10));

        Delivery refined = base.retry(retry).timeout(Duration.ofSeconds(2)).circuitBreaker(breaker).idempotent(64);

        assertThat(base.retry()).isNull();
        assertThat(base.timeout()).isNull();
        assertThat(base.circuitBreaker()).isNull();
        assertThat(base.idempotenceWindow()).isZero();
        assertThat(refined.retry()).isSameAs(retry);
        assertThat(refined.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(refined.circuitBreaker()).isSameAs(breaker);
        assertThat(refined.idempotenceWindow()).isEqualTo(64);
        assertThat(refined.name()).isEqualTo("inventory");
        assertThat(refined.capacity()).isEqualTo(Delivery.DEFAULT_CAPACITY);
        assertThat(refined.toString()).contains("retry=RetryPolicy[maxAttempts=3", "timeout=PT2S",
                "circuitBreaker=CircuitBreakerPolicy[failures=5", "idempotent=64");
    }
}
