package org.busline;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A typed stream of messages with a stable name.
 *
 * <p>There are two kinds of topics:
 * <ul>
 *   <li>A <b>named topic</b>, {@code Topic.of("orders.placed", OrderPlaced.class)}, is a stream of its own: it
 *       reaches the subscribers of that topic and of the wildcard patterns that match its name, and nobody else.
 *       Two named topics of one Java type stay apart. The name is what bridges, stores and logs see, so it can
 *       outlive a class rename. A name is one or more dot-separated tokens of letters, digits, {@code _},
 *       {@code -}, {@code $} or {@code :}.</li>
 *   <li>A <b>type topic</b>, {@code Topic.of(OrderPlaced.class)} or {@code Topic.of(new TypeRef<Page<User>>() {})},
 *       is the default topic of a type, named after it. Publishing a bare object with
 *       {@link MessageBus#publish(Object)} uses the type topic of its class. A subscription to a type topic also
 *       receives the type topics of its subtypes, as Guava's and greenrobot's buses do; a parameterized type is
 *       matched exactly.</li>
 * </ul>
 *
 * <p>Topics are immutable values, safe to keep in {@code static final} fields and to share between threads and
 * buses. Two topics are equal when they have the same kind, name and type. One bus refuses two topics of the same
 * name with different types.
 *
 * @param <T> the type of the messages on this topic
 */
public final class Topic<T> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$:\\-]+(\\.[A-Za-z0-9_$:\\-]+)*");

    private final String name;
    private final TypeRef<T> type;
    private final boolean named;
    private final int hash;

    /** The bus implementation's cache of this topic's route; written and read only by org.busline.internal. */
    @SuppressWarnings("unused")
    private Object route;

    private Topic(String name, TypeRef<T> type, boolean named) {
        this.name = name;
        this.type = type;
        this.named = named;
        this.hash = (named ? 31 : 17) * name.hashCode() + type.hashCode();
    }

    /**
     * Returns the named topic {@code name} carrying messages of {@code type}.
     *
     * @param name the topic's name, for example {@code "orders.placed"}; not null
     * @param type the class of its messages; not null
     * @param <T>  the message type
     * @return the topic
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the name is not one or more dot-separated tokens
     */
    public static <T> Topic<T> of(String name, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new Topic<>(checkName(name), TypeRef.of(type), true);
    }

    /**
     * Returns the named topic {@code name} carrying messages of a generic type.
     *
     * @param name the topic's name; not null
     * @param type the type of its messages, for example {@code new TypeRef<Page<User>>() {}}; not null
     * @param <T>  the message type
     * @return the topic
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the name is not one or more dot-separated tokens
     */
    public static <T> Topic<T> of(String name, TypeRef<T> type) {
        Objects.requireNonNull(type, "type");
        return new Topic<>(checkName(name), type, true);
    }

    /**
     * Returns the type topic of a class, named after the class ({@link Class#getName()}).
     *
     * @param type the class; not null
     * @param <T>  the message type
     * @return the topic
     * @throws NullPointerException if {@code type} is null
     */
    public static <T> Topic<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new Topic<>(type.getName(), TypeRef.of(type), false);
    }

    /**
     * Returns the type topic of a generic type, named after the type ({@link java.lang.reflect.Type#getTypeName()}).
     *
     * @param type the type; not null
     * @param <T>  the message type
     * @return the topic
     * @throws NullPointerException if {@code type} is null
     */
    public static <T> Topic<T> of(TypeRef<T> type) {
        Objects.requireNonNull(type, "type");
        return new Topic<>(type.type().getTypeName(), type, false);
    }

    /**
     * Returns this topic's name.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * Returns the type of this topic's messages.
     *
     * @return the type, never null
     */
    public TypeRef<T> type() {
        return type;
    }

    /**
     * Tells whether this is a named topic (true) or the default topic of a type (false).
     *
     * @return true for a named topic
     */
    public boolean isNamed() {
        return named;
    }

    /**
     * Checks that {@code message} may travel on this topic and returns it with the topic's type.
     *
     * @param message the message; not null
     * @return {@code message}
     * @throws NullPointerException     if {@code message} is null
     * @throws IllegalArgumentException if {@code message} is not an instance of the topic's type
     */
    @SuppressWarnings("unchecked")
    public T cast(Object message) {
        Objects.requireNonNull(message, "message");
        if (!type.rawType().isInstance(message)) {
            throw new IllegalArgumentException("topic '" + name + "' carries " + type + ", but the message is a "
                    + message.getClass().getName());
        }
        return (T) message;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Topic)) {
            return false;
        }
        Topic<?> that = (Topic<?>) other;
        return hash == that.hash && named == that.named && name.equals(that.name) && type.equals(that.type);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return named ? name + " (" + type + ")" : name;
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("topic name must be one or more dot-separated tokens of letters, "
                    + "digits, '_', '-', '$' or ':', but was '" + name + "'");
        }
        return name;
    }
}
