package org.busline;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a subscriber, for {@link MessageBus#register(Object)}.
 *
 * <p>The method must be an instance method that returns {@code void} and takes one parameter: the message
 * ({@code void on(OrderPlaced order)}, which may be generic, {@code void on(Page<User> page)}), or the message in
 * its envelope ({@code void on(Envelope<OrderPlaced> envelope)}). It may throw checked exceptions. Its class must
 * be accessible to Busline: public, or in a package exported or open to the {@code org.busline} module. A method that
 * breaks these rules fails the registration with an {@link IllegalArgumentException} naming it.
 *
 * <p>The annotation may sit on a method of the object's class, of a superclass, or of an interface the class
 * implements; the object's implementation is called. A method overridden in a subclass is subscribed once.
 *
 * <p>A parameter that is a type variable of a generic superclass or interface subscribes to what the object's class
 * binds it to: {@code on(T event)} of {@code Listener<T>}, registered as a {@code class Orders implements
 * Listener<OrderPlaced>}, receives {@code OrderPlaced}. Otherwise a parameter type that holds a type variable or a
 * wildcard ({@code T}, {@code Comparable<?>},
 * {@code Event<T>}) subscribes to the type topic of its erasure, as Guava and greenrobot do: {@code Event<T>}
 * receives every {@code Event} (whatever its type argument) and its subtypes, {@code T extends Shape} every
 * {@code Shape}, and an unbounded {@code T} every message published on a type topic. A fully given parameterized
 * type ({@code Page<User>}) subscribes to exactly that type.
 *
 * <p>Busline calls the method through a generated lambda, never {@code Method.invoke}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Subscribe {
    /**
     * The name of a named topic to subscribe to, of the parameter's type. Empty, the default, subscribes to the
     * type topic of the parameter's type, and so to its subtypes.
     *
     * @return the topic's name, or empty
     */
    String topic() default "";

    /**
     * The method's priority, as {@link Delivery#priority(int)}: higher first among the subscriptions a message reaches,
     * ties in subscription order. 0, the default, keeps the priority of the registration's delivery; another value
     * replaces it for this method.
     *
     * @return the priority
     */
    int priority() default 0;
}
