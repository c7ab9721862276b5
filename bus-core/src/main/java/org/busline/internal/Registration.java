package org.busline.internal;

import java.util.List;
import org.busline.Subscription;

/**
 * The subscriptions of one object registered with {@code register(Object)}: one per {@code @Subscribe} method, closed
 * together. Immutable; thread-safe as its subscribers are.
 */
final class Registration implements Subscription {
    private final Registry registry;
    private final Object target;
    private final String name;
    private final List<Subscriber> subscribers;

    Registration(Registry registry, Object target, String name, List<Subscriber> subscribers) {
        this.registry = registry;
        this.target = target;
        this.name = name;
        this.subscribers = List.copyOf(subscribers);
    }

    /** Its subscribers, one per method. */
    List<Subscriber> subscribers() {
        return subscribers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isActive() {
        return subscribers.stream().anyMatch(Subscriber::isActive);
    }

    @Override
    public void close() {
        subscribers.forEach(Subscriber::close);
        registry.unregister(target, this);
    }

    @Override
    public String toString() {
        return "Subscription[" + name + ": " + subscribers + "]";
    }
}
