package org.busline.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.spi.Serializer;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bus's serializers and isolated topics: the serializer of each topic, and the copies of isolated delivery.
 *
 * <p>Thread-safe. Immutable but for the default serializer, which is either given or found through
 * {@link ServiceLoader} on first need and then kept: {@link #discovered} is written once under {@code this} and
 * read through a volatile field, so every thread sees one fully made serializer.
 */
final class Serialization {
    private static final Logger LOG = LoggerFactory.getLogger(Serialization.class);

    private final Serializer configured;
    private final Map<Topic<?>, Serializer> byTopic;
    private final TypeRegistry types;
    private final Set<Topic<?>> isolatedTopics;
    private volatile Serializer discovered;
    /** Guarded by {@code this}. */
    private boolean searched;

    /**
     * @param serializer     the bus-wide default, or null to find one through {@link ServiceLoader} when needed
     * @param byTopic        the serializers of particular topics
     * @param types          the registry of a serializer found through {@link ServiceLoader}
     * @param isolatedTopics topics whose every subscriber receives copies
     */
    Serialization(Serializer serializer, Map<Topic<?>, Serializer> byTopic, TypeRegistry types,
                         Set<Topic<?>> isolatedTopics) {
        this.configured = serializer;
        this.byTopic = Map.copyOf(byTopic);
        this.types = types;
        this.isolatedTopics = Set.copyOf(isolatedTopics);
    }

    /** The serializer of a topic's messages. */
    Serializer serializer(Topic<?> topic) {
        Serializer serializer = byTopic.get(topic);
        if (serializer != null) {
            return serializer;
        }
        serializer = defaultSerializer();
        if (serializer == null) {
            throw new IllegalStateException("no serializer for topic '" + topic.name() + "': set one with "
                    + "MessageBus.builder().serializer(…), or put a serializer module such as bus-jackson on the "
                    + "class path or module path");
        }
        return serializer;
    }

    /**
     * How a new subscriber receives copies: of every message if its delivery is isolated, else of the messages of
     * the isolated topics it selects; null if it receives the publisher's objects.
     *
     * @throws IllegalStateException if it needs copies and the bus has no serializer
     */
    Isolation isolation(Selector selector, boolean isolated, String subscriber) {
        if (isolated) {
            if (byTopic.isEmpty()) {
                requireDefault(subscriber);
            }
            return new Isolation(this, null);
        }
        List<Topic<?>> selected = new ArrayList<>();
        for (Topic<?> topic : isolatedTopics) {
            if (selector.matches(topic)) {
                selected.add(topic);
                if (!byTopic.containsKey(topic)) {
                    requireDefault(subscriber);
                }
            }
        }
        return selected.isEmpty() ? null : new Isolation(this, Set.copyOf(selected));
    }

    private void requireDefault(String subscriber) {
        if (defaultSerializer() == null) {
            throw new IllegalStateException("subscription '" + subscriber + "' receives isolated copies, which "
                    + "needs a serializer: set one with MessageBus.builder().serializer(…), or put a serializer "
                    + "module such as bus-jackson on the class path or module path");
        }
    }

    private Serializer defaultSerializer() {
        if (configured != null) {
            return configured;
        }
        Serializer found = discovered;
        if (found != null) {
            return found;
        }
        synchronized (this) {
            if (!searched) {
                searched = true;
                SerializerProvider provider = findProvider();
                if (provider != null) {
                    discovered = provider.create(types);
                }
            }
            return discovered;
        }
    }

    private static SerializerProvider findProvider() {
        List<SerializerProvider> found = load(Thread.currentThread().getContextClassLoader());
        if (found.isEmpty()) {
            found = load(SerializerProvider.class.getClassLoader());
        }
        if (found.isEmpty()) {
            return null;
        }
        if (found.size() > 1) {
            LOG.warn("Found {} serializer providers {}; using the first, {}. Set a serializer with "
                    + "MessageBus.builder().serializer(…) to choose", found.size(), found, found.get(0));
        } else {
            LOG.debug("Using the serializer provider {}", found.get(0));
        }
        return found.get(0);
    }

    private static List<SerializerProvider> load(ClassLoader loader) {
        List<SerializerProvider> found = new ArrayList<>(1);
        Iterator<SerializerProvider> providers = ServiceLoader.load(SerializerProvider.class, loader).iterator();
        for (int broken = 0; broken < 8; ) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError failure) {
                broken++;
                LOG.warn("Skipping a serializer provider that cannot be loaded", failure);
            }
        }
        return found;
    }

    /** What one isolated subscriber copies. Immutable. */
    static final class Isolation {
        private final Serialization serialization;
        /** The topics whose messages are copied; null for every topic. */
        private final Set<Topic<?>> topics;

        private Isolation(Serialization serialization, Set<Topic<?>> topics) {
            this.serialization = serialization;
            this.topics = topics;
        }

        /**
         * The envelope the subscriber receives: a deep copy through the topic's serializer when isolated, checked
         * to have kept the type of every value ({@link CopyCheck}).
         *
         * @throws RuntimeException what the serializer throws, a failure of this subscriber's delivery
         */
        Envelope<?> copy(Envelope<?> envelope) {
            if (topics != null && !topics.contains(envelope.topic())) {
                return envelope;
            }
            Envelope<?> copy = serialization.serializer(envelope.topic()).copy(envelope);
            CopyCheck.requireSameTypes(envelope, copy);
            return copy;
        }
    }
}
