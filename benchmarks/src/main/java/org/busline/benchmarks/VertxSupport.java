package org.busline.benchmarks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting and stopping Vert.x for the benchmarks: one event-loop thread (the one consumer thread of the scenario),
 * and codecs that pass objects by reference, which is what the local event bus does with a codec whose
 * {@code transform} returns its argument.
 */
final class VertxSupport {
    private VertxSupport() {
    }

    /**
     * Starts Vert.x with a single event loop and registers pass-by-reference codecs for {@code types}.
     *
     * @param types the message classes sent on its event bus
     * @return the running instance
     */
    static Vertx start(Class<?>... types) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        for (Class<?> type : types) {
            register(vertx, type);
        }
        return vertx;
    }

    private static <T> void register(Vertx vertx, Class<T> type) {
        vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    }

    /**
     * Waits for a Vert.x future from a thread outside Vert.x.
     *
     * @param future the future
     * @param <T>    its result type
     * @return its result
     */
    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Vert.x", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Vert.x failed", e);
        }
    }

    /**
     * Closes Vert.x and waits for it.
     *
     * @param vertx the instance, or null
     */
    static void close(Vertx vertx) {
        if (vertx != null) {
            await(vertx.close());
        }
    }

    /** Passes a message by reference on the local event bus; never used on a wire. */
    private static final class LocalCodec<T> implements MessageCodec<T, T> {
        private final Class<T> type;

        LocalCodec(Class<T> type) {
            this.type = type;
        }

        @Override
        public void encodeToWire(Buffer buffer, T message) {
            throw new UnsupportedOperationException("local only");
        }

        @Override
        public T decodeFromWire(int position, Buffer buffer) {
            throw new UnsupportedOperationException("local only");
        }

        @Override
        public T transform(T message) {
            return message;
        }

        @Override
        public String name() {
            return "local-" + type.getName();
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
