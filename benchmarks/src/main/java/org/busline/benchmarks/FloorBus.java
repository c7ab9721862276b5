package org.busline.benchmarks;

import java.util.function.Consumer;

/**
 * The least any bus can do to publish: a topic object already resolved by the publisher holds its handlers' array,
 * and a publish loops over it. No lookup, no metadata, no re-entrancy, no failure handling. The {@code floor}
 * methods measure it so that every run says how far each bus is from the physical limit of dispatch.
 */
final class FloorBus {
    /** A pre-resolved topic: its handlers, replaced as a whole on subscribe (copy-on-write). */
    static final class Topic {
        @SuppressWarnings({"unchecked", "rawtypes"})
        private volatile Consumer<Object>[] handlers = new Consumer[0];

        void subscribe(Consumer<Object> handler) {
            Consumer<Object>[] next = java.util.Arrays.copyOf(handlers, handlers.length + 1);
            next[handlers.length] = handler;
            handlers = next;
        }

        void publish(Object message) {
            for (Consumer<Object> handler : handlers) {
                handler.accept(message);
            }
        }
    }

    private FloorBus() {
    }
}
