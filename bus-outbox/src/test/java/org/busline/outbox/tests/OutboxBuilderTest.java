package org.busline.outbox.tests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.busline.MessageBus;
import org.busline.outbox.Outbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each builder method checks its argument at once, and the message quotes the bad value. */
class OutboxBuilderTest {
    @TempDir
    Path directory;

    final MessageBus bus = MessageBus.builder().build();

    @AfterEach
    void close() {
        bus.close();
    }

    Outbox.Builder builder() {
        return Outbox.builder(TestDatabases.h2(directory), bus);
    }

    @Test
    void refusesBadNumbersAndDurationsQuotingTheValue() {
        assertThatThrownBy(() -> builder().relayThreads(0)).hasMessage("relayThreads must be positive, but was 0");
        assertThatThrownBy(() -> builder().batchSize(-1)).hasMessage("batchSize must be positive, but was -1");
        assertThatThrownBy(() -> builder().maxInFlight(0)).hasMessage("maxInFlight must be positive, but was 0");
        assertThatThrownBy(() -> builder().leaseDuration(Duration.ZERO))
                .hasMessage("leaseDuration must be positive, but was PT0S");
        assertThatThrownBy(() -> builder().pollInterval(Duration.ofMillis(-5)))
                .hasMessage("pollInterval must be positive, but was PT-0.005S");
        assertThatThrownBy(() -> builder().retention(Duration.ofSeconds(-1)))
                .hasMessage("retention must not be negative, but was PT-1S");
        assertThatThrownBy(() -> builder().cleanupBatchSize(0))
                .hasMessage("cleanupBatchSize must be positive, but was 0");
    }

    @Test
    void refusesBadNamesPrefixesAndPatterns() {
        assertThatThrownBy(() -> builder().tablePrefix("drop table;"))
                .hasMessageContaining("but was 'drop table;'");
        assertThatThrownBy(() -> builder().durable("no spaces", Messages.ORDERS, order -> { }))
                .hasMessageContaining("but was 'no spaces'");
        assertThatThrownBy(() -> builder().durable("shipping", Messages.ORDERS, order -> { })
                .durable("shipping", Messages.ORDERS, order -> { }))
                .hasMessageContaining("name 'shipping' is already used");
        assertThatThrownBy(() -> builder().sink("bridge", record -> CompletableFuture.completedFuture(null)))
                .hasMessage("sink 'bridge' needs at least one topic pattern");
        assertThatThrownBy(() -> builder().sink("bridge", record -> CompletableFuture.completedFuture(null),
                "orders..placed")).hasMessageContaining("but was 'orders..placed'");
        assertThatThrownBy(() -> builder().owner("")).hasMessageContaining("owner must have 1 to 200 characters");
    }

    @Test
    void refusesNulls() {
        assertThatThrownBy(() -> Outbox.builder(null, bus)).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource");
        assertThatThrownBy(() -> builder().retry(null)).isInstanceOf(NullPointerException.class).hasMessage("retry");
        assertThatThrownBy(() -> builder().durable("a", null, order -> { })).isInstanceOf(NullPointerException.class)
                .hasMessage("topic");
    }

    @Test
    void refusesAnH2FileDatabaseWithoutWriteDelayZero() {
        UrlDataSource delayed = new UrlDataSource("jdbc:h2:file:" + directory.resolve("delayed").toAbsolutePath());
        assertThatThrownBy(() -> Outbox.builder(delayed, bus).durable("a", Messages.ORDERS, order -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("WRITE_DELAY=500")
                .hasMessageContaining("add ';WRITE_DELAY=0'");
    }
}
