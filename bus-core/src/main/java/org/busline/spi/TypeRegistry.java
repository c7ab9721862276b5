package org.busline.spi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.busline.Topic;

/**
 * The wire identities of a bus's message types: which <b>logical type name</b> and <b>schema version</b> each
 * topic's payload is written with, and the {@link Upcaster}s that turn old versions into the current one.
 *
 * <p>Serializers identify a payload's type on the wire by its logical type name, never by a Java class name, so a
 * message type can be renamed or moved without breaking stored messages. Decoding a logical type that is not
 * registered is an error, never a class lookup. A topic that is not registered still encodes and decodes when the
 * caller names the topic (as isolated delivery does): its logical type is then its own name and its version is 1.
 *
 * <pre>{@code
 * static final Topic<OrderPlaced> ORDERS = Topic.of("orders.placed", OrderPlaced.class);
 *
 * TypeRegistry types = TypeRegistry.builder()
 *         .register(ORDERS, "shop.order-placed", 3)               // written as type "shop.order-placed", version 3
 *         .upcaster("shop.order-placed", 1, OrderUpcasters::v1ToV2)
 *         .upcaster("shop.order-placed", 2, OrderUpcasters::v2ToV3)
 *         .build();
 * }</pre>
 *
 * <p>Each topic (by name) is registered at most once, and each logical type belongs to one topic, so a logical type
 * found on the wire names its topic. Instances are immutable and thread-safe; the builder is not thread-safe.
 */
public final class TypeRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$:\\-]+(\\.[A-Za-z0-9_$:\\-]+)*");
    private static final TypeRegistry EMPTY = new TypeRegistry(Map.of(), Map.of(), Map.of());

    private final Map<String, Registration<?>> byTopic;
    private final Map<String, Registration<?>> byType;
    /** Logical type, then the version an upcaster starts from. */
    private final Map<String, Map<Integer, Upcaster>> upcasters;

    private TypeRegistry(Map<String, Registration<?>> byTopic, Map<String, Registration<?>> byType,
                         Map<String, Map<Integer, Upcaster>> upcasters) {
        this.byTopic = byTopic;
        this.byType = byType;
        this.upcasters = upcasters;
    }

    /**
     * Returns the registry with no registration, where every topic is written under its own name, version 1.
     *
     * @return the empty registry
     */
    public static TypeRegistry empty() {
        return EMPTY;
    }

    /**
     * Returns a builder of a new registry.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Finds the registration of a logical type read from the wire. The lookup is by name only; it never loads a
     * class.
     *
     * @param logicalType the logical type name; not null
     * @return the registration, or null if the name is not registered
     * @throws NullPointerException if {@code logicalType} is null
     */
    public Registration<?> find(String logicalType) {
        return byType.get(Objects.requireNonNull(logicalType, "logicalType"));
    }

    /**
     * Returns how a topic's payloads are written: the topic's registration, or, for a topic that is not registered,
     * its own name as the logical type and version 1.
     *
     * @param topic the topic; not null
     * @param <T>   the topic's type
     * @return the registration, never null
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if a topic of that name is registered with another type
     */
    @SuppressWarnings("unchecked")
    public <T> Registration<T> forTopic(Topic<T> topic) {
        Objects.requireNonNull(topic, "topic");
        Registration<?> registered = byTopic.get(topic.name());
        if (registered == null) {
            return new Registration<>(topic, topic.name(), 1);
        }
        if (!registered.topic().equals(topic)) {
            throw new IllegalArgumentException("topic '" + topic.name() + "' is registered as "
                    + registered.topic() + ", not as " + topic);
        }
        return (Registration<T>) registered;
    }

    /**
     * Runs the upcasters that turn data of {@code version} into data of the registration's current version. Data of
     * the current version is returned as it is.
     *
     * @param registration the payload's registration; not null
     * @param version      the version the data was written with, from 1 to the registration's version
     * @param data         the data in the JSON data model (see {@link Upcaster}); not null, mutable
     * @return the data of the current version
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code version} is not between 1 and the registration's version
     * @throws SerializationException   if an upcaster of the chain is missing, fails or returns null; the message
     *                                  names the step
     */
    public Map<String, Object> upcast(Registration<?> registration, int version, Map<String, Object> data) {
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(data, "data");
        if (version < 1 || version > registration.version()) {
            throw new IllegalArgumentException("version must be between 1 and " + registration.version()
                    + ", but was " + version);
        }
        Map<Integer, Upcaster> steps = upcasters.getOrDefault(registration.logicalType(), Map.of());
        Map<String, Object> current = data;
        for (int from = version; from < registration.version(); from++) {
            Upcaster step = steps.get(from);
            String what = "upcaster from version " + from + " to " + (from + 1);
            if (step == null) {
                throw SerializationException.decoding(registration.topic().name(), registration.logicalType(),
                        version, "no " + what + " is registered", null);
            }
            Map<String, Object> next;
            try {
                next = step.upcast(current);
            } catch (RuntimeException failure) {
                throw SerializationException.decoding(registration.topic().name(), registration.logicalType(),
                        version, "the " + what + " failed: " + failure, failure);
            }
            if (next == null) {
                throw SerializationException.decoding(registration.topic().name(), registration.logicalType(),
                        version, "the " + what + " returned null", null);
            }
            // A new map may be immutable (Map.of); the next step owns a mutable one.
            current = next == current ? next : new LinkedHashMap<>(next);
        }
        return current;
    }

    @Override
    public String toString() {
        return "TypeRegistry" + new TreeMap<>(byType).values();
    }

    /**
     * How the payloads of one topic are written.
     *
     * @param topic       the topic; not null
     * @param logicalType the name written on the wire; not null
     * @param version     the current schema version, the one written; 1 or more
     * @param <T>         the topic's type
     */
    public record Registration<T>(Topic<T> topic, String logicalType, int version) {
        /**
         * Checks the components.
         *
         * @param topic       the topic; not null
         * @param logicalType the name written on the wire; not null
         * @param version     the current schema version; 1 or more
         * @throws IllegalArgumentException if {@code version} is less than 1
         */
        public Registration {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(logicalType, "logicalType");
            if (version < 1) {
                throw new IllegalArgumentException("version must be 1 or more, but was " + version);
            }
        }

        /**
         * Tells whether the payloads go on the wire under a Java class name: the topic is a type topic
         * ({@code Topic.of(OrderPlaced.class)}) whose logical type name is its own name, the class's, as for a type
         * topic never registered. Transports warn of it, as it ties the wire to a package.
         *
         * @return true for such a registration
         */
        public boolean namedAfterClass() {
            return !topic.isNamed() && logicalType.equals(topic.name());
        }

        @Override
        public String toString() {
            return logicalType + " v" + version + " on " + topic;
        }
    }

    /**
     * Collects registrations and upcasters. Each method checks its arguments at once; {@link #build()} checks that
     * every upcaster belongs to a registered logical type. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Registration<?>> byTopic = new HashMap<>();
        private final Map<String, Registration<?>> byType = new HashMap<>();
        private final Map<String, Map<Integer, Upcaster>> upcasters = new HashMap<>();

        private Builder() {
        }

        /**
         * Registers a topic under its own name as the logical type, at version 1.
         *
         * @param topic the topic; not null
         * @return this builder
         * @throws IllegalArgumentException if the topic or its name as a logical type is already registered
         */
        public Builder register(Topic<?> topic) {
            Objects.requireNonNull(topic, "topic");
            return register(topic, topic.name(), 1);
        }

        /**
         * Registers a topic under its own name as the logical type, at a given current version.
         *
         * @param topic   the topic; not null
         * @param version the current schema version; 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code version} is less than 1, or the topic or its name as a logical
         *                                  type is already registered
         */
        public Builder register(Topic<?> topic, int version) {
            Objects.requireNonNull(topic, "topic");
            return register(topic, topic.name(), version);
        }

        /**
         * Registers a topic under a logical type name, at a given current version. Choose a name that will outlive
         * class names and packages, such as {@code "shop.order-placed"}.
         *
         * @param topic       the topic; not null
         * @param logicalType one or more dot-separated tokens of letters, digits, {@code _}, {@code -}, {@code $} or
         *                    {@code :}; not null
         * @param version     the current schema version; 1 or more
         * @return this builder
         * @throws IllegalArgumentException if the name is malformed, {@code version} is less than 1, or the topic or
         *                                  the logical type is already registered
         */
        public Builder register(Topic<?> topic, String logicalType, int version) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(logicalType, "logicalType");
            if (!NAME.matcher(logicalType).matches()) {
                throw new IllegalArgumentException("logicalType must be one or more dot-separated tokens of letters, "
                        + "digits, '_', '-', '$' or ':', but was '" + logicalType + "'");
            }
            if (version < 1) {
                throw new IllegalArgumentException("version must be 1 or more, but was " + version);
            }
            Registration<?> known = byTopic.get(topic.name());
            if (known != null) {
                throw new IllegalArgumentException("topic '" + topic.name() + "' is already registered as "
                        + known.logicalType());
            }
            known = byType.get(logicalType);
            if (known != null) {
                throw new IllegalArgumentException("logical type '" + logicalType + "' is already registered for "
                        + "topic '" + known.topic().name() + "'");
            }
            Registration<?> registration = new Registration<>(topic, logicalType, version);
            byTopic.put(topic.name(), registration);
            byType.put(logicalType, registration);
            return this;
        }

        /**
         * Registers the upcaster that turns data of version {@code fromVersion} of a logical type into version
         * {@code fromVersion + 1}. Register one per step; a missing step fails the decoding of the versions before
         * it.
         *
         * @param logicalType the logical type; not null, and registered by the time of {@link #build()}
         * @param fromVersion the version the upcaster reads; 1 or more, and less than the registered version
         * @param upcaster    the upcaster; not null
         * @return this builder
         * @throws IllegalArgumentException if {@code fromVersion} is less than 1, or an upcaster from that version
         *                                  of that type is already registered
         */
        public Builder upcaster(String logicalType, int fromVersion, Upcaster upcaster) {
            Objects.requireNonNull(logicalType, "logicalType");
            Objects.requireNonNull(upcaster, "upcaster");
            if (fromVersion < 1) {
                throw new IllegalArgumentException("fromVersion must be 1 or more, but was " + fromVersion);
            }
            Map<Integer, Upcaster> steps = upcasters.computeIfAbsent(logicalType, type -> new HashMap<>());
            if (steps.containsKey(fromVersion)) {
                throw new IllegalArgumentException("an upcaster from version " + fromVersion + " of '" + logicalType
                        + "' is already registered");
            }
            steps.put(fromVersion, upcaster);
            return this;
        }

        /**
         * Builds the registry. The builder may be used on and built again.
         *
         * @return an immutable registry
         * @throws IllegalArgumentException if an upcaster belongs to a logical type that is not registered, or does
         *                                  not start before the type's current version
         */
        public TypeRegistry build() {
            Map<String, Map<Integer, Upcaster>> steps = new HashMap<>();
            for (Map.Entry<String, Map<Integer, Upcaster>> entry : upcasters.entrySet()) {
                Registration<?> registration = byType.get(entry.getKey());
                if (registration == null) {
                    throw new IllegalArgumentException("upcasters are registered for logical type '" + entry.getKey()
                            + "', which is not registered; register its topic first");
                }
                for (int from : entry.getValue().keySet()) {
                    if (from >= registration.version()) {
                        throw new IllegalArgumentException("the upcaster from version " + from + " of '"
                                + entry.getKey() + "' must start before its current version "
                                + registration.version());
                    }
                }
                steps.put(entry.getKey(), Map.copyOf(entry.getValue()));
            }
            return new TypeRegistry(Map.copyOf(byTopic), Map.copyOf(byType), Map.copyOf(steps));
        }
    }
}
