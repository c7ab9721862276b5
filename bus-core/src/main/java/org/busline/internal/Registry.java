package org.busline.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.busline.Delivery;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.busline.TypeRef;

/**
 * Routing, the first room of a message's way: which subscriptions (and, apart from them, which responders) a topic
 * reaches. It owns the subscriber and responder arrays, the {@link Route} of every topic used so far, the type of
 * every topic name, and every mailbox made, for {@code close()}.
 *
 * <p><b>Threads.</b> Subscriptions, responders and routes change only under {@link #lock}; each route holds a
 * copy-on-write array of its subscribers, so routing a publish takes no lock: a route is found by class
 * ({@link #classRoutes}), by topic ({@link #routes}), or, fastest, through a one-entry cache in the {@link Topic}
 * object itself, which holds the route of the last registry that routed it.
 *
 * <p><b>Invariants.</b> A route's array holds exactly the active subscribers whose selector matches its topic, in
 * delivery order (priority, higher first, then subscription order); {@link #subscribers} and {@link #responders}
 * stay in subscription order. One topic name carries one type on one bus.
 */
final class Registry {
    private static final VarHandle TOPIC_ROUTE;

    static {
        try {
            TOPIC_ROUTE = MethodHandles.privateLookupIn(Topic.class, MethodHandles.lookup())
                    .findVarHandle(Topic.class, "route", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object lock = new Object();
    private final Resources resources;
    private final Serialization serialization;
    private final boolean intercepted;
    /** Set once while the bus is wired, before any thread sees it: what new subscribers' mailboxes call. */
    private Invoker invoker;
    private DeadLetterOffice office;
    /** Set once while the bus is wired: the slots of retained topics, which their routes hold. */
    private RetainedTopics retained;

    private final ConcurrentHashMap<Topic<?>, Route> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, Route> classRoutes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Topic<?>, Route> responderRoutes = new ConcurrentHashMap<>();
    /** Guarded by {@link #lock}: every active subscriber, in subscription order. */
    private Subscriber[] subscribers = new Subscriber[0];
    /** Guarded by {@link #lock}: every active responder, in registration order. */
    private Subscriber[] responders = new Subscriber[0];
    /** Guarded by {@link #lock}: topic names and their types, to refuse one name with two types. */
    private final Map<String, TypeRef<?>> topicTypes = new HashMap<>();
    /** Guarded by {@link #lock}: every mailbox made and not yet retired, drained at close even if unsubscribed. */
    private final List<Mailbox> mailboxes = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private long sequence;
    /**
     * Guarded by {@link #lock}: the active subscriptions, responders and registrations named with
     * {@code Delivery.name}: a {@link Subscriber} or a {@link Registration} by name.
     */
    private final Map<String, Object> explicitNames = new HashMap<>();
    /** Guarded by {@link #lock}: the objects registered with {@code register(Object)}, by identity. */
    private final Map<Object, Registration> registered = new IdentityHashMap<>();

    Registry(Resources resources, Serialization serialization, boolean intercepted) {
        this.resources = resources;
        this.serialization = serialization;
        this.intercepted = intercepted;
    }

    /** True if the bus has interceptors. */
    boolean intercepted() {
        return intercepted;
    }

    void connect(Invoker invoker, DeadLetterOffice office) {
        this.invoker = invoker;
        this.office = office;
    }

    void connect(RetainedTopics retained) {
        this.retained = retained;
    }

    Resources resources() {
        return resources;
    }

    // ---------------------------------------------------------------------------------------------- finding routes

    /** The route of the type topic of the message's class. */
    Route routeOf(Object message) {
        Objects.requireNonNull(message, "message");
        Route route = classRoutes.get(message.getClass());
        return route != null ? route : route(Topic.of(message.getClass()));
    }

    /** The route of a topic, once the message is checked against its type. */
    Route routeOf(Topic<?> topic, Object message) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        Route route = route(topic);
        if (!topic.type().rawType().isInstance(message)) {
            topic.cast(message);
        }
        return route;
    }

    /** The route of a topic's subscriptions, made on first use. */
    Route route(Topic<?> topic) {
        Object cached = TOPIC_ROUTE.get(topic);
        if (cached instanceof Route && ((Route) cached).registry == this) {
            return (Route) cached;
        }
        Route route = routes.get(topic);
        if (route == null) {
            route = createRoute(topic);
        }
        TOPIC_ROUTE.set(topic, route);
        return route;
    }

    private Route createRoute(Topic<?> topic) {
        synchronized (lock) {
            Route route = routes.get(topic);
            if (route != null) {
                return route;
            }
            registerName(topic);
            route = new Route(this, topic, matching(subscribers, topic), intercepted,
                    retained == null ? null : retained.slot(topic));
            routes.put(topic, route);
            if (!topic.isNamed() && topic.type().type() instanceof Class) {
                classRoutes.put(topic.type().rawType(), route);
            }
            return route;
        }
    }

    /** The route of a topic's responders, made on first use. */
    Route responderRoute(Topic<?> topic) {
        Route route = responderRoutes.get(topic);
        if (route != null) {
            return route;
        }
        synchronized (lock) {
            route = responderRoutes.get(topic);
            if (route == null) {
                registerName(topic);
                route = new Route(this, topic, matching(responders, topic), intercepted);
                responderRoutes.put(topic, route);
            }
            return route;
        }
    }

    private static Subscriber[] matching(Subscriber[] all, Topic<?> topic) {
        return Arrays.stream(all).filter(s -> s.selector.matches(topic)).sorted(Subscriber.DELIVERY_ORDER)
                .toArray(Subscriber[]::new);
    }

    /** Guarded by {@link #lock}. */
    private void registerName(Topic<?> topic) {
        TypeRef<?> known = topicTypes.putIfAbsent(topic.name(), topic.type());
        if (known != null && !known.equals(topic.type())) {
            throw new IllegalArgumentException("topic '" + topic.name() + "' is already used on bus '"
                    + resources.name + "' with type " + known + ", so it cannot carry " + topic.type());
        }
    }

    /** The selector of a topic, once its name is known to carry its type on this bus. */
    Selector selector(Topic<?> topic) {
        synchronized (lock) {
            registerName(topic);
        }
        return topic.isNamed() ? Selector.named(topic) : Selector.type(topic);
    }

    // ---------------------------------------------------------------------------------------------- changing

    /**
     * Adds a subscription named {@code name}: its delivery's name, or a name derived from its method; if null, the
     * simple name of the handler's class, or, for a lambda or an anonymous class, its number and selector. A name
     * given with {@code Delivery.name} must be unique among the active subscriptions and responders.
     */
    Subscriber subscribe(Selector selector, Object handler, boolean envelopes, Delivery delivery, String name) {
        resources.checkOpen("subscribe");
        synchronized (lock) {
            resources.checkOpen("subscribe");
            long number = ++sequence;
            String subscriberName = name != null ? name : delivery.name() != null ? delivery.name()
                    : derivedName(number, selector, handler);
            checkUnique(delivery, subscriberName);
            Subscriber subscriber = newSubscriber(number, subscriberName, selector, handler, envelopes,
                    delivery.propagatesFailures(), delivery);
            if (delivery.name() != null) {
                explicitNames.put(subscriberName, subscriber);
            }
            subscribers = append(subscribers, subscriber);
            for (Route route : routes.values()) {
                if (selector.matches(route.topic)) {
                    route.add(subscriber, intercepted);
                }
            }
            return subscriber;
        }
    }

    /** As {@link #subscribe}, into the registry of responders rather than of subscriptions. */
    Subscriber respond(Topic<?> topic, ResponderHandler handler, Delivery delivery) {
        Selector selector = selector(topic);
        resources.checkOpen("respond");
        synchronized (lock) {
            resources.checkOpen("respond");
            long number = ++sequence;
            String responderName = delivery.name() != null ? delivery.name()
                    : "#" + number + " responder of " + selector.describe();
            checkUnique(delivery, responderName);
            Subscriber responder = newSubscriber(number, responderName, selector, handler, true, false, delivery);
            if (delivery.name() != null) {
                explicitNames.put(responderName, responder);
            }
            responders = append(responders, responder);
            for (Route route : responderRoutes.values()) {
                if (selector.matches(route.topic)) {
                    route.add(responder, intercepted);
                }
            }
            return responder;
        }
    }

    /** The name of a subscription without a given name: its handler's class, unless that has no name of its own. */
    private static String derivedName(long number, Selector selector, Object handler) {
        Class<?> type = handler.getClass();
        if (type.isSynthetic() || type.isHidden() || type.isAnonymousClass() || type.getSimpleName().isEmpty()) {
            return "#" + number + " " + selector.describe();
        }
        return type.getSimpleName();
    }

    /** Guarded by {@link #lock}: refuses a second active subscription or responder of one given name. */
    private void checkUnique(Delivery delivery, String name) {
        if (delivery.name() != null) {
            checkUnique(name);
        }
    }

    private void checkUnique(String name) {
        Object existing = explicitNames.get(name);
        if (existing != null) {
            throw new IllegalArgumentException("subscription name '" + name + "' is already used on bus '"
                    + resources.name + "' by " + existing + ": names identify subscriptions in dead letters and "
                    + "reports, so give each its own, or close the other first");
        }
    }

    /**
     * Registers the subscriptions of a {@code @Subscribe} object, made by {@code subscriptions} under the lock.
     *
     * @throws IllegalArgumentException if the same object is already registered and not closed
     */
    Registration register(Object target, String name, boolean named,
                          java.util.function.Supplier<List<Subscriber>> subscriptions) {
        synchronized (lock) {
            Registration existing = registered.get(target);
            if (existing != null) {
                throw new IllegalArgumentException(target.getClass().getName() + " object " + target
                        + " is already registered on bus '" + resources.name + "' as subscription '"
                        + existing.name() + "'; registering it twice would deliver every message to it twice. "
                        + "Close that subscription first");
            }
            if (named) {
                checkUnique(name);
            }
            Registration registration = new Registration(this, target, name, subscriptions.get());
            registered.put(target, registration);
            if (named) {
                // A single method's subscription holds the name already; several hold name.method each.
                explicitNames.putIfAbsent(name, registration);
            }
            return registration;
        }
    }

    /** Forgets a registered object once its registration is closed. */
    void unregister(Object target, Registration registration) {
        synchronized (lock) {
            registered.remove(target, registration);
            explicitNames.remove(registration.name(), registration);
        }
    }

    private static Subscriber[] append(Subscriber[] current, Subscriber added) {
        Subscriber[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = added;
        return next;
    }

    /**
     * Guarded by {@link #lock}: makes a subscriber or responder as its delivery says, and keeps its mailbox, if it
     * has one, for close() to drain.
     */
    private Subscriber newSubscriber(long number, String subscriberName, Selector selector, Object handler,
                                     boolean envelopes, boolean propagateFailures, Delivery delivery) {
        Mailbox.Settings settings = delivery.isAsync()
                ? new Mailbox.Settings(delivery.executor() != null ? delivery.executor()
                        : resources.defaultExecutor(), delivery.capacity(), delivery.overflow(),
                        delivery.blockTimeout().toNanos(), delivery.concurrency())
                : null;
        String module = resources.boundaries == null ? null
                : resources.boundaries.admit(delivery.module(), selector.topic(), selector.describe(), subscriberName);
        Subscriber subscriber = new Subscriber(this, number, subscriberName, selector, handler, envelopes,
                propagateFailures, settings, Guard.of(delivery, subscriberName, resources, office),
                serialization.isolation(selector, delivery.isIsolated(), subscriberName), delivery.priority());
        subscriber.module = module;
        if (subscriber.mailbox != null) {
            mailboxes.removeIf(Mailbox::isRetired);
            mailboxes.add(subscriber.mailbox);
        }
        return subscriber;
    }

    /** What a new subscriber's mailbox needs: the handler's call and the dead-letter office. */
    Invoker invoker() {
        return invoker;
    }

    DeadLetterOffice office() {
        return office;
    }

    /** Removes a subscriber or responder from every route. */
    void unsubscribe(Subscriber subscriber) {
        synchronized (lock) {
            explicitNames.remove(subscriber.name, subscriber);
            subscribers = Arrays.stream(subscribers).filter(s -> s != subscriber).toArray(Subscriber[]::new);
            responders = Arrays.stream(responders).filter(s -> s != subscriber).toArray(Subscriber[]::new);
            for (Route route : routes.values()) {
                route.remove(subscriber, intercepted);
            }
            for (Route route : responderRoutes.values()) {
                route.remove(subscriber, intercepted);
            }
        }
    }

    /** A snapshot of every open subscription and responder, in the order they were made. */
    List<SubscriptionInfo> subscriptions() {
        Subscriber[] subscribed;
        Subscriber[] responding;
        synchronized (lock) {
            subscribed = subscribers;
            responding = responders;
        }
        // Both arrays are in subscription order (appended under the lock): merge them to keep that order.
        List<SubscriptionInfo> snapshot = new ArrayList<>(subscribed.length + responding.length);
        int s = 0;
        int r = 0;
        while (s < subscribed.length || r < responding.length) {
            boolean takeSubscriber = r == responding.length
                    || s < subscribed.length && subscribed[s].sequence < responding[r].sequence;
            Subscriber next = takeSubscriber ? subscribed[s++] : responding[r++];
            if (next.isActive()) {
                snapshot.add(next.info(takeSubscriber ? SubscriptionInfo.Kind.SUBSCRIBER
                        : SubscriptionInfo.Kind.RESPONDER));
            }
        }
        return List.copyOf(snapshot);
    }

    /** True if some open subscription (not a responder) receives the topic now. */
    boolean hasSubscribers(Topic<?> topic) {
        Subscriber[] subscribed;
        synchronized (lock) {
            subscribed = subscribers;
        }
        for (Subscriber subscriber : subscribed) {
            if (subscriber.isActive() && subscriber.selector.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** The mailboxes close() must drain; called once the bus is marked closed, so no mailbox is added after. */
    List<Mailbox> mailboxes() {
        synchronized (lock) {
            return List.copyOf(mailboxes);
        }
    }
}
