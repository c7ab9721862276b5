package org.busline.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.busline.test.internal.Describe;
import org.busline.test.internal.Journal;

/**
 * Records everything that happens on one bus: every message published on any thread, with its envelope and
 * publishing thread, and what each subscription did with it, attempt by attempt (handled, failed, retried,
 * dead-lettered, dropped), and the messages that reached nobody. It is attached to a bus, never to a thread: messages
 * published or handled on executor threads, mailboxes and timers are all recorded, and two buses' recorders never
 * mix.
 *
 * <pre>{@code
 * BusRecorder recorder = BusRecorder.attach(MessageBus.builder().name("shop"));
 * MessageBus bus = recorder.build();
 * new OrderService(bus);
 * new PaymentService(bus, gateway, executor);
 *
 * bus.request(PlaceOrder.TOPIC, new PlaceOrder("ada", "sku-fig", 1, 250), OrderAccepted.class, Duration.ofSeconds(1));
 * PaymentCaptured paid = recorder.waitFor(PaymentCaptured.class).within(Duration.ofSeconds(2));
 * BusAssertions.assertThat(recorder).published(OrderPlaced.class).once().handledBy("payments");
 * BusAssertions.assertThat(recorder).noDeadLetters().noDrops();
 * }</pre>
 *
 * <p><b>How it attaches.</b> {@link #attach(MessageBus.Builder)} adds an {@link org.busline.spi.Interceptor} to the
 * builder, which sees every publish and every delivery attempt on the threads that make them; attach it after the
 * interceptors that add headers, to record the envelopes as delivered. Once the bus is built ({@link #build()}, or
 * {@link #bind(MessageBus)} for a bus built elsewhere from the same builder), the recorder also subscribes to
 * {@link DeadLetter} and {@link DeadMessage}, synchronously, under the name {@value #SUBSCRIPTION_NAME}, to learn
 * which deliveries the bus gave up on and which messages reached nobody. It never touches the builder's error,
 * dead-message and dropped-message handlers: the ones the application set keep working as they are. As a consequence
 * of its subscription, the bus publishes every dead letter and dead message (where without any subscriber it would
 * only log them), and the recorder records them as messages too; {@link Topology} leaves the recorder's subscriptions
 * out.
 *
 * <p><b>What it cannot see.</b> A reply that came after its request stopped waiting goes only to the dropped-message
 * handler, and is not recorded. A delivery skipped by an interceptor registered after the recorder looks handled. A
 * duplicate that an idempotent subscription skipped is not a delivery.
 *
 * <p><b>Threads.</b> Thread-safe. Reading methods return immutable snapshots. The waits ({@link #waitFor(Class)},
 * {@link #awaitIdle(Duration)}) block the calling thread up to their deadline, on the real clock: with a
 * {@link ManualExecutor} or a {@link ManualScheduler} nothing moves while the test waits, so run the executor and
 * advance the scheduler instead of waiting.
 */
public final class BusRecorder {
    /**
     * The name of the recorder's own subscription to {@link DeadLetter}; its subscription to {@link DeadMessage} is
     * named {@code SUBSCRIPTION_NAME + ".dead-messages"} (a bus refuses two subscriptions of one given name).
     */
    public static final String SUBSCRIPTION_NAME = "busline-test.recorder";
    /** How long the recorder waits between two looks at the bus while it waits for it to be idle. */
    private static final long IDLE_POLL_NANOS = 1_000_000L;

    private final MessageBus.Builder builder;
    private final Journal journal = new Journal(SUBSCRIPTION_NAME);
    private volatile MessageBus bus;

    private BusRecorder(MessageBus.Builder builder) {
        this.builder = builder;
    }

    /**
     * Attaches a new recorder to a bus's builder: adds its interceptor, after those added so far. Build the bus with
     * {@link #build()}, or build it from {@code builder} and then call {@link #bind(MessageBus)}.
     *
     * @param builder the builder of the bus to record; not null
     * @return the recorder, recording from the bus's first publish
     */
    public static BusRecorder attach(MessageBus.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        BusRecorder recorder = new BusRecorder(builder);
        builder.interceptor(recorder.journal);
        return recorder;
    }

    /**
     * Builds the bus from the builder this recorder is attached to, and binds the recorder to it.
     *
     * @return the new bus, open, recorded
     * @throws IllegalStateException if the recorder is already bound to a bus
     */
    public MessageBus build() {
        checkUnbound();
        return bind(builder.build());
    }

    /**
     * Binds this recorder to a bus built from the builder it is attached to (by the application's own wiring, say):
     * subscribes to the bus's dead letters and dead messages, and lets {@link #awaitIdle(Duration)} watch its
     * mailboxes. A bus built from another builder would not be recorded: only its dead letters would be.
     *
     * @param bus the bus; not null, open
     * @return {@code bus}
     * @throws IllegalStateException if the recorder is already bound, or the bus is closed
     */
    public MessageBus bind(MessageBus bus) {
        Objects.requireNonNull(bus, "bus");
        synchronized (this) {
            checkUnbound();
            bus.subscribe(DeadLetter.class, journal::deadLetter, Delivery.sync().name(SUBSCRIPTION_NAME));
            bus.subscribe(DeadMessage.class, dead -> journal.deadMessage(dead.envelope()),
                    Delivery.sync().name(SUBSCRIPTION_NAME + ".dead-messages"));
            this.bus = bus;
        }
        return bus;
    }

    private void checkUnbound() {
        if (bus != null) {
            throw new IllegalStateException("the recorder is already bound to bus '" + bus.name()
                    + "': attach a new recorder to each bus");
        }
    }

    /**
     * Returns the bus this recorder is bound to.
     *
     * @return the bus
     * @throws IllegalStateException if {@link #build()} or {@link #bind(MessageBus)} was not called
     */
    public MessageBus bus() {
        MessageBus bound = bus;
        if (bound == null) {
            throw new IllegalStateException("the recorder is not bound to a bus yet: build the bus with "
                    + "recorder.build(), or call recorder.bind(bus)");
        }
        return bound;
    }

    /**
     * Returns every message recorded so far, in the order they were published.
     *
     * @return an immutable snapshot
     */
    public List<RecordedMessage> messages() {
        return journal.snapshot();
    }

    /**
     * Returns the payloads of the recorded messages of a type (or a subtype), in publish order.
     *
     * @param type the type; not null
     * @param <T>  the type
     * @return an immutable list
     */
    public <T> List<T> payloads(Class<T> type) {
        Objects.requireNonNull(type, "type");
        List<T> payloads = new ArrayList<>();
        for (RecordedMessage message : messages()) {
            if (type.isInstance(message.payload())) {
                payloads.add(type.cast(message.payload()));
            }
        }
        return List.copyOf(payloads);
    }

    /**
     * Returns the recorded messages of one conversation: those with this correlation id, in publish order.
     *
     * @param correlationId the correlation id; not null
     * @return an immutable list, empty if none has it
     */
    public List<RecordedMessage> conversation(String correlationId) {
        Objects.requireNonNull(correlationId, "correlationId");
        return messages().stream().filter(message -> message.correlationId().equals(correlationId)).toList();
    }

    /**
     * Starts a wait for a message of a type (or a subtype), on any topic: narrow it with
     * {@link Expectation#matching}, {@link Expectation#handledBy} and the like, then wait with
     * {@link Expectation#within(Duration)}. Messages recorded before this call count too.
     *
     * @param type the type; not null
     * @param <T>  the type
     * @return the expectation
     */
    public <T> Expectation<T> waitFor(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new Expectation<>(this, type, null);
    }

    /**
     * Starts a wait for a message on a topic. Otherwise as {@link #waitFor(Class)}.
     *
     * @param topic the topic; not null
     * @param <T>   the topic's type
     * @return the expectation
     */
    public <T> Expectation<T> waitFor(Topic<T> topic) {
        Objects.requireNonNull(topic, "topic");
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) topic.type().rawType();
        return new Expectation<>(this, type, topic);
    }

    /**
     * Waits until the bus has nothing to do: no subscription has a message in its mailbox, a worker running or a
     * retry pending, and no handler runs on any thread; seen twice in a row with nothing recorded in between.
     *
     * @param timeout how long to wait at most, on the real clock; not null
     * @throws AssertionError        if the bus is still busy after {@code timeout}; the message names the busy
     *                               subscriptions and lists every recorded message
     * @throws IllegalStateException if the recorder is not bound to a bus
     */
    public void awaitIdle(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        MessageBus watched = bus();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean idleOnce = false;
        for (;;) {
            long before = journal.version();
            List<SubscriptionInfo> busy = busy(watched);
            boolean idle = busy.isEmpty() && journal.running() == 0 && journal.version() == before;
            if (idle && idleOnce) {
                return;
            }
            idleOnce = idle;
            long left = deadline - System.nanoTime();
            if (left <= 0 && !idle) {
                throw new AssertionError("Bus '" + watched.name() + "' was still busy after " + timeout + ": "
                        + (busy.isEmpty() ? journal.running() + " handlers running" : describeBusy(busy))
                        + "\n" + describe());
            }
            try {
                journal.awaitChange(before, Math.max(0L, Math.min(left, IDLE_POLL_NANOS)));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for bus '" + watched.name() + "' to be idle",
                        interrupted);
            }
        }
    }

    private static List<SubscriptionInfo> busy(MessageBus bus) {
        List<SubscriptionInfo> busy = new ArrayList<>();
        for (SubscriptionInfo info : bus.subscriptions()) {
            if (!info.isIdle()) {
                busy.add(info);
            }
        }
        return busy;
    }

    private static String describeBusy(List<SubscriptionInfo> busy) {
        StringBuilder text = new StringBuilder();
        for (SubscriptionInfo info : busy) {
            text.append(text.length() == 0 ? "" : "; ").append('\'').append(info.name()).append("' has ")
                    .append(info.queued()).append(" queued, ").append(info.workers())
                    .append(" workers started (running or waiting for the executor), ")
                    .append(info.retriesPending()).append(" retries pending");
        }
        return text.toString();
    }

    /**
     * Describes every recorded message: its topic, payload, publishing thread and subscription, id, correlation and
     * causation ids, and each delivery's outcome, attempts and threads. Failing assertions and waits print it. A
     * long recording shows its first 500 messages in full, then how many more there are.
     *
     * @return the text, several lines
     */
    public String describe() {
        return Describe.messages(busName(), messages());
    }

    /** The bus's name, or the recorder's state if it is not bound. */
    String busName() {
        MessageBus bound = bus;
        return bound == null ? "(not bound)" : bound.name();
    }

    /** The journal's change counter and wait, for {@link Expectation}. */
    Journal journal() {
        return journal;
    }

    @Override
    public String toString() {
        return "BusRecorder(bus " + busName() + ", " + messages().size() + " messages)";
    }
}
