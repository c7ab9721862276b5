package org.busline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.busline.internal.DeadLetterFilter;
import org.busline.spi.BusFactory;
import org.busline.spi.ContextPropagator;
import org.busline.spi.Interceptor;
import org.busline.spi.Scheduler;
import org.busline.spi.Serializer;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;

/**
 * An in-process message bus: typed publish/subscribe between the modules of one application.
 *
 * <pre>{@code
 * try (MessageBus bus = MessageBus.builder().name("shop").build()) {
 *     bus.subscribe(OrderPlaced.class, order -> ship(order));
 *     bus.publish(new OrderPlaced("o-1"));
 * }
 * }</pre>
 *
 * <p><b>Routing.</b> Every message travels on a {@link Topic}. {@link #publish(Object)} uses the type topic of the
 * message's class, which reaches the subscribers of that class and of its supertypes and interfaces; a named topic
 * reaches its own subscribers and the matching wildcard patterns. A message that reaches nobody is a
 * {@link DeadMessage}.
 *
 * <p><b>Order.</b> A message reaches its subscriptions in the order they were made, those of higher
 * {@linkplain Delivery#priority(int) priority} first: each synchronous handler runs, and each asynchronous
 * subscription receives it into its mailbox, in that order. How a subscription's
 * handler runs is its {@link Delivery}.
 *
 * <p><b>Failures.</b> A handler that throws never stops delivery to the others: the failure goes to the error handler
 * ({@link Builder#onError}) with the message and the subscription's name. An {@link Error} is reported the same way and
 * then rethrown on the thread that ran the handler; an interrupt is restored. For a synchronous handler the publish
 * first delivers the message to every other subscription and delivers every message that handlers published meanwhile,
 * then rethrows the first Error (later ones suppressed in it), so nothing is left undelivered on the thread; an
 * asynchronous handler's Error reaches its executor once the mailbox went on draining. A delivery that ends unhandled
 * (failed for the last time, rejected, or dropped) is also published as a {@link DeadLetter}; per subscription, {@link
 * Delivery} adds retries, timeouts, a circuit breaker, a bulkhead and de-duplication.
 *
 * <p><b>Names.</b> Each subscription has a {@linkplain Subscription#name() name}, which dead letters and reports
 * identify it by. A name given with {@link Delivery#name(String)} is unique on the bus: every method that subscribes
 * or responds throws {@link IllegalArgumentException} if an active subscription or responder already has it.
 *
 * <p><b>Threads.</b> Every method is thread-safe. Subscribing and unsubscribing while other threads publish is safe:
 * a publish sees the subscriptions as they were when it started routing.
 *
 * <p><b>Nulls.</b> No argument may be null; a null one throws {@link NullPointerException} naming it.
 */
public interface MessageBus extends AutoCloseable {

    /**
     * Returns a builder of a new bus.
     *
     * @return a builder with the defaults described on its methods
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the bus's name, as given to {@link Builder#name(String)}.
     *
     * @return the name, never null
     */
    String name();

    /**
     * Completes an envelope that is stored now to be published later, by another thread or process (a transactional
     * outbox writes it in the caller's transaction): as {@link #publish(Envelope)} would, it gets a timestamp if it has
     * none and, from inside a handler, the handler's message's correlation id (unless it carries its own) and id as
     * causation; then the interceptors' {@link Interceptor#onStore} add what must travel with it (an observability
     * module, the trace context). Nothing is published or delivered.
     *
     * @param envelope the message; not null
     * @param <T>      the payload's type
     * @return the envelope to store, never null
     * @throws NullPointerException  if {@code envelope} is null, or an interceptor returned null
     */
    <T> Envelope<T> stamp(Envelope<T> envelope);

    /**
     * Returns the envelope of the message that the calling thread is handling now: the message of the handler,
     * envelope handler, pattern handler or responder running on this thread, whatever its delivery (synchronous,
     * the allocation-free path of payload handlers, an asynchronous subscription's mailbox drain, a retry), so that a
     * handler that takes only the payload can still read its id, correlation id, causation id and headers.
     *
     * <p><b>Which message.</b> Thread-confined: it is the message of the innermost handler running on the calling
     * thread, and only while that handler runs. Empty outside any handler (on a thread that handles nothing now, and
     * on a thread where a responder's {@link java.util.concurrent.CompletionStage} completes later). Inside a
     * synchronous publish nested in a handler, the nested message is delivered after the current one returns, so the
     * handlers of each see their own message. Inside an asynchronous mailbox drain it is the message being drained.
     * Inside a responder of {@link #request} or {@link #requestAll} it is the request's envelope as that responder
     * received it (its own id, and for {@code requestAll} the one correlation id shared by every responder).
     *
     * <p><b>Causation.</b> It is the same envelope, with the same id, that the messages and requests published from
     * this handler inherit: their causation id is its id and their correlation id is its correlation id. On the
     * allocation-free path the envelope is made on the first call (with this bus's clock), and that one envelope is
     * also the parent of what the handler publishes afterwards.
     *
     * @return the envelope of the message being handled on this thread, or empty outside any handler; never null
     */
    Optional<Envelope<?>> currentEnvelope();

    /**
     * Publishes a message on the type topic of its class.
     *
     * @param message the message; not null
     * @return how many subscriptions it reached, and a future of its delivery
     * @throws NullPointerException  if {@code message} is null
     * @throws IllegalStateException if the bus is closed
     * @throws MailboxFullException  if an asynchronous subscription's mailbox is full and its policy refuses the
     *                               message; nobody received it
     * @throws DeliveryException     if a synchronous subscription made with {@link Delivery#propagateFailures()}
     *                               failed; every other subscriber still received the message
     */
    PublishResult publish(Object message);

    /**
     * Publishes a message on a topic.
     *
     * @param topic   the topic; not null
     * @param message the message; not null
     * @param <T>     the topic's type
     * @return how many subscriptions it reached, and a future of its delivery
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the message is not of the topic's type, or this bus already knows the
     *                                  topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     * @throws MailboxFullException     as for {@link #publish(Object)}
     * @throws DeliveryException        as for {@link #publish(Object)}
     */
    <T> PublishResult publish(Topic<T> topic, T message);

    /**
     * Publishes a message with the metadata of an envelope: its headers, and its id and correlation id if it has
     * them. The bus sets the timestamp, and the causation id when called from inside a handler.
     *
     * @param envelope the message, made with {@link Envelope#of}; not null
     * @param <T>      the payload's type
     * @return how many subscriptions it reached, and a future of its delivery
     * @throws NullPointerException  if {@code envelope} is null
     * @throws IllegalStateException if the bus is closed
     * @throws MailboxFullException  as for {@link #publish(Object)}
     * @throws DeliveryException     as for {@link #publish(Object)}
     */
    <T> PublishResult publish(Envelope<T> envelope);

    /**
     * Sends a message to exactly one subscription of the type topic of its class (point-to-point), where
     * {@link #publish(Object)} reaches all of them. The consumers are the subscriptions that {@code publish} would
     * reach (including those of supertypes and matching patterns), and they compete for the messages as
     * {@link #send(Topic, Object)} describes.
     *
     * @param message the message; not null
     * @return {@code reached()} 1 if a consumer took it, 0 if it went to the dead-message handler, was dropped by the
     *         overflow policy, or was vetoed by an interceptor; and a future of its delivery
     * @throws NullPointerException  if {@code message} is null
     * @throws IllegalStateException if the bus is closed
     * @throws NoConsumerException   if the topic has no subscription and the bus was built with
     *                               {@link Builder#failSendsWithoutConsumer(boolean) failSendsWithoutConsumer(true)}
     * @throws MailboxFullException  if every consumer is asynchronous with a full mailbox and the policy of the one
     *                               whose turn it was refuses the message
     * @throws DeliveryException     if the consumer that took it is synchronous, made with
     *                               {@link Delivery#propagateFailures()}, and failed
     */
    PublishResult send(Object message);

    /**
     * Sends a message to exactly one subscription of a topic (point-to-point): the subscriptions are competing
     * consumers, and each message goes to one of them, where {@link #publish(Topic, Object)} reaches all.
     *
     * <p><b>Distribution.</b> Each send takes the next ticket of the topic (an atomic counter, no lock). With
     * {@code k} consumers in subscription order, ticket {@code n} offers the message to consumer {@code n mod k} first,
     * then to the following ones, to the first that can take it now: a synchronous subscription always can; an
     * asynchronous one can when its mailbox has room. So while every consumer can take messages they receive them in
     * strict rotation, and of {@code N} sends each receives {@code N/k} rounded down or up, also when many threads
     * send at once; a consumer with a full mailbox is skipped and its turn goes to the next one. If no consumer can
     * take it, the {@link OverflowPolicy} of consumer {@code n mod k} applies, as for a publish: {@code BLOCK} waits
     * for room in that mailbox, {@code FAIL} throws, the drop policies drop and report. A subscription made or
     * closed while sending joins or leaves the rotation from the next send on.
     *
     * <p><b>Delivery</b> is then as for a publish: a synchronous consumer runs on this thread before {@code send}
     * returns (or, when called from inside a synchronous handler, after the current message, as a nested publish
     * does); an asynchronous one receives it in its mailbox. No consumer: the message is a {@link DeadMessage}, as for
     * a publish, unless the bus fails such sends ({@link Builder#failSendsWithoutConsumer(boolean)}).
     *
     * @param topic   the topic; not null
     * @param message the message; not null
     * @param <T>     the topic's type
     * @return as for {@link #send(Object)}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the message is not of the topic's type, or this bus already knows the
     *                                  topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     * @throws NoConsumerException      as for {@link #send(Object)}
     * @throws MailboxFullException     as for {@link #send(Object)}
     * @throws DeliveryException        as for {@link #send(Object)}
     */
    <T> PublishResult send(Topic<T> topic, T message);

    /**
     * Registers a synchronous responder for the requests of a topic: it runs on the requester's thread, inside
     * {@link #request}. Responders are apart from subscriptions: a request reaches only responders, and
     * {@code publish} and {@code send} never reach a responder. Several responders of one topic share its requests
     * in rotation, as consumers share {@link #send(Topic, Object) sends}; a responder of a type topic also answers
     * the requests of its subtypes.
     *
     * @param topic     the topic of the requests; not null
     * @param responder the responder; not null
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the registration; close it to stop answering
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <Q, R> Subscription respond(Topic<Q> topic, Responder<? super Q, ? extends R> responder);

    /**
     * Registers a responder for the requests of a topic, called as {@code delivery} says: synchronously on the
     * requester's thread, or asynchronously on an executor through the bounded mailbox of an asynchronous
     * subscription, with its capacity and overflow policy. {@link Delivery#propagateFailures()} changes nothing: a
     * responder's failure always reaches the requester. Otherwise as {@link #respond(Topic, Responder)}.
     *
     * @param topic     the topic of the requests; not null
     * @param responder the responder; not null
     * @param delivery  synchronous or asynchronous delivery; not null
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the registration; close it to stop answering (requests already in its mailbox are still answered)
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <Q, R> Subscription respond(Topic<Q> topic, Responder<? super Q, ? extends R> responder, Delivery delivery);

    /**
     * Registers a synchronous responder whose replies come later, as a {@link java.util.concurrent.CompletionStage}.
     * Otherwise as {@link #respond(Topic, Responder)}.
     *
     * @param topic     the topic of the requests; not null
     * @param responder the responder; not null
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the registration; close it to stop answering
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <Q, R> Subscription respondAsync(Topic<Q> topic, AsyncResponder<? super Q, ? extends R> responder);

    /**
     * Registers a responder whose replies come later, called as {@code delivery} says. Otherwise as
     * {@link #respond(Topic, Responder, Delivery)}.
     *
     * @param topic     the topic of the requests; not null
     * @param responder the responder; not null
     * @param delivery  synchronous or asynchronous delivery; not null
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the registration; close it to stop answering
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <Q, R> Subscription respondAsync(Topic<Q> topic, AsyncResponder<? super Q, ? extends R> responder,
                                     Delivery delivery);

    /**
     * Registers a responder that answers on behalf of responders elsewhere, several of which may answer one request,
     * called as {@code delivery} says: the requester's side of a bridge to other services. A single
     * {@link #request} takes its first answer; {@link #requestAll} gathers each named answer as one responder's
     * (see {@link FanOutResponder}). Routing, deadlines, guards and late replies are as for
     * {@link #respondAsync(Topic, AsyncResponder, Delivery)}.
     *
     * @param topic     the topic of the requests; not null
     * @param responder the responder; not null
     * @param delivery  synchronous or asynchronous delivery; not null
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the registration; close it to stop answering
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <Q, R> Subscription respondFanOut(Topic<Q> topic, FanOutResponder<? super Q, R> responder, Delivery delivery);

    /**
     * Sends a request to exactly one responder of a topic and returns the future of its reply.
     *
     * <p><b>Routing.</b> The request goes to one responder, in rotation with the others and skipping a full
     * mailbox, exactly as {@link #send(Topic, Object)} picks a consumer. A synchronous responder runs on this thread
     * before {@code request} returns (also when called from a handler, so a handler may wait for the reply); an
     * asynchronous one gets the request in its mailbox. The request's envelope is made as a publish's: inside a
     * handler it carries that message's correlation id; interceptors see it as for a publish and around the
     * responder as around a delivery. What the responder publishes while it handles the request carries the
     * request's correlation id; so does the reply's envelope ({@link #requestEnvelope}), whose causation id is the
     * request's id.
     *
     * <p><b>Deadline.</b> The deadline is {@code timeout} after this call, on the bus's
     * {@linkplain Builder#scheduler scheduler}. A reply that comes after it (the scheduler's timer may be late, the
     * deadline is checked again when the reply comes) is a late reply: never delivered to this or any other caller,
     * but reported to the dropped-message handler as a {@link DroppedMessage} of reason
     * {@link DroppedMessage.Reason#LATE_REPLY}. An asynchronous responder that has not started the request before
     * the future completed (deadline, cancel) skips it. Nothing waits on a thread: the future fails at the deadline
     * from the scheduler's timer, completed on the bus's default executor ({@link Builder#executor}) so that
     * dependent stages never run on the timer's thread.
     *
     * <p><b>Deadline of a synchronous responder.</b> A synchronous responder runs on this thread, so the deadline
     * bounds its run: a request whose deadline passed before it was handed over never reaches it; at the deadline,
     * this thread is interrupted, so a responder that waits (sleeps, blocks on I/O, a lock or a future) stops, and
     * the future fails with {@link RequestException.Reason#TIMEOUT} as soon as it returns (the interrupt is cleared,
     * the responder's failure goes to the error handler as a {@link java.util.concurrent.TimeoutException}). A reply
     * it returns is never dropped, even past the deadline: this thread waited for it. To bound a responder that
     * ignores interrupts, make it asynchronous.
     *
     * <p><b>Failures</b> complete the future exceptionally with a {@link RequestException} whose
     * {@link RequestException#reason() reason} is {@code NO_RESPONDER} (at once), {@code TIMEOUT},
     * {@code RESPONDER_FAILED} (with the responder's failure as cause), {@code BAD_REPLY} (the reply is null or not
     * a {@code replyType}), {@code REJECTED} (an interceptor vetoed it, or the responder's mailbox or executor
     * refused or dropped it) or {@code BUS_CLOSED} (at once on a closed bus; at {@link #close()} for the requests
     * still waiting). This method itself throws only for bad arguments.
     *
     * <p><b>Cancelling.</b> Completing the future yourself, by {@code cancel}, {@code complete} or
     * {@code completeExceptionally}, stops waiting: the deadline's timer is cancelled and the request forgotten; a
     * reply that comes later is a late reply.
     *
     * @param topic     the topic; not null
     * @param request   the request; not null
     * @param replyType the class of the reply, {@link Void} for a responder that replies null; not primitive
     * @param timeout   how long to wait for the reply; positive
     * @param <Q>       the type of requests
     * @param <R>       the type of the reply
     * @return the future of the reply, completed on the thread that completes the request: the requester's, the
     *         responder's, the one that completes the responder's stage, or the default executor's at the deadline
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the request is not of the topic's type, this bus already knows the topic's
     *                                  name with another type, {@code replyType} is primitive, or {@code timeout}
     *                                  is zero or negative
     */
    <Q, R> CompletableFuture<R> request(Topic<Q> topic, Q request, Class<R> replyType, Duration timeout);

    /**
     * Sends a request on the type topic of its class to exactly one responder, as
     * {@link #request(Topic, Object, Class, Duration)} does.
     *
     * @param request   the request; not null
     * @param replyType the class of the reply, {@link Void} for a responder that replies null; not primitive
     * @param timeout   how long to wait for the reply; positive
     * @param <R>       the type of the reply
     * @return the future of the reply, as for {@link #request(Topic, Object, Class, Duration)}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code replyType} is primitive or {@code timeout} is zero or negative
     */
    <R> CompletableFuture<R> request(Object request, Class<R> replyType, Duration timeout);

    /**
     * Scatter-gather: asks every responder of a topic at once and completes with what they answered by the deadline,
     * as {@link #requestAll(Topic, Object, Class, Gather)} with {@code Gather.within(deadline)}.
     *
     * @param topic     the topic; not null
     * @param request   the request; not null
     * @param replyType the class of the replies; not primitive
     * @param deadline  how long to wait for the replies; positive
     * @param <Q>       the type of requests
     * @param <R>       the type of the replies
     * @return the future of what was gathered
     */
    default <Q, R> CompletableFuture<Gathered<R>> requestAll(Topic<Q> topic, Q request, Class<R> replyType,
                                                           Duration deadline) {
        return requestAll(topic, request, replyType, Gather.within(deadline));
    }

    /**
     * Scatter-gather: asks every responder of a topic, each with a request of its own (its own id, one correlation
     * id, one deadline), and completes with a {@link Gathered}: the replies that came by the deadline, each with its
     * responder's name, the responders that failed (with the cause), and those that did not answer. It never fails
     * because of one responder. It completes at the deadline at the latest, when every responder has answered or
     * failed, or as soon as the options say it has enough ({@link Gather#first(int)}, {@link Gather#until}). Once it
     * has completed, no reply is handed over any more: a reply that comes later is reported to the dropped-message
     * handler as {@link DroppedMessage.Reason#LATE_REPLY}, as for {@link #request}, and nothing of the gathering
     * stays in the bus.
     *
     * <p>Synchronous responders run on the caller's thread, one after another, each within what is left of the
     * deadline; asynchronous ones in their mailboxes, all at once. Once the gathering has enough, the synchronous
     * responders not asked yet are not asked, and are listed as unanswered. A topic without responders gives an
     * empty {@code Gathered} at once. Responders' guards apply as for {@code request}: a rejection (bulkhead, rate
     * limit, open breaker) is that responder's failure.
     *
     * <p>A {@linkplain #respondFanOut fan-out responder} (a bridge to other services, such as bus-kafka's request
     * routes) answers for responders elsewhere: each of them counts as one more responder, gathered under its own
     * name, and the options ({@link Gather#first(int)}, {@link Gather#until}) count their replies as local ones. Which
     * of them are expected, and so listed as unanswered when silent, is the fan-out responder's to say
     * ({@link FanOutResponder.Replies#expect}).
     *
     * <p>If the bus closes while the gathering is under way, it completes at once with what it has: the responders
     * that had not answered are listed among the failures, each with a {@link RequestException} of reason
     * {@code BUS_CLOSED}.
     *
     * @param topic     the topic; not null
     * @param request   the request; not null
     * @param replyType the class of the replies; not primitive
     * @param options   the deadline and when to complete early; not null
     * @param <Q>       the type of requests
     * @param <R>       the type of the replies
     * @return the future of what was gathered; failed only with a {@link RequestException} of reason
     *         {@code BUS_CLOSED} if the bus was closed when {@code requestAll} was called
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the request is not of the topic's type or {@code replyType} is primitive
     */
    <Q, R> CompletableFuture<Gathered<R>> requestAll(Topic<Q> topic, Q request, Class<R> replyType,
                                                   Gather<? super R> options);

    /**
     * Runs {@code action} on this thread as module {@code module}: what it publishes, sends or requests is checked
     * against the bus's {@linkplain Builder#boundaries(Boundaries) module boundaries} as that module's. Nests; the
     * module before is restored afterwards. A handler of a subscription that names its module publishes as that
     * module without this. Without boundaries, it just runs {@code action}.
     *
     * @param module the publishing module; not blank
     * @param action what to run; not null
     * @throws IllegalArgumentException if {@code module} is blank
     */
    void asModule(String module, Runnable action);

    /**
     * As {@link #asModule(String, Runnable)}, returning what {@code action} returns.
     *
     * @param module the publishing module; not blank
     * @param action what to run; not null
     * @param <T>    the type of the result
     * @return the result of {@code action}
     */
    default <T> T asModule(String module, java.util.function.Supplier<T> action) {
        Objects.requireNonNull(action, "action");
        List<T> result = new ArrayList<>(1);
        Runnable run = () -> result.add(action.get());
        asModule(module, run);
        return result.get(0);
    }

    /**
     * Sends a request with the metadata of an envelope (headers, and its id and correlation id if it has them, as
     * {@link #publish(Envelope)} takes them) and returns the future of the reply in its envelope: on the type topic
     * of {@code replyType}, with the request's correlation id, the request's id as causation id and the bus clock's
     * timestamp. Otherwise as {@link #request(Topic, Object, Class, Duration)}.
     *
     * @param request   the request, made with {@link Envelope#of}; not null
     * @param replyType the class of the reply; neither primitive nor {@link Void}
     * @param timeout   how long to wait for the reply; positive
     * @param <Q>       the type of requests
     * @param <R>       the type of the reply
     * @return the future of the reply's envelope
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type,
     *                                  {@code replyType} is primitive or {@link Void}, or {@code timeout} is zero or
     *                                  negative
     */
    <Q, R> CompletableFuture<Envelope<R>> requestEnvelope(Envelope<Q> request, Class<R> replyType, Duration timeout);

    /**
     * Subscribes a synchronous handler to messages of a type and its subtypes.
     *
     * @param type    the type; not null
     * @param handler the handler; not null
     * @param <T>     the type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the bus is closed
     */
    <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler);

    /**
     * Subscribes a handler to messages of a type and its subtypes, delivered as {@code delivery} says.
     *
     * @param type     the type; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @param <T>      the type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the bus is closed
     */
    <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler, Delivery delivery);

    /**
     * Subscribes a synchronous handler to a topic: a named topic, or the type topic of a (generic) type.
     *
     * @param topic   the topic; not null
     * @param handler the handler; not null
     * @param <T>     the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler);

    /**
     * Subscribes a handler to a topic, delivered as {@code delivery} says.
     *
     * @param topic    the topic; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @param <T>      the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler, Delivery delivery);

    /**
     * Subscribes a handler that receives each message of a topic in its envelope, with its metadata.
     *
     * @param topic    the topic; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @param <T>      the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <T> Subscription subscribeEnvelopes(Topic<T> topic, EnvelopeHandler<? super T> handler, Delivery delivery);

    /**
     * Subscribes a handler to every topic whose name matches a wildcard pattern of dot-separated tokens, where
     * {@code *} matches exactly one token and a final {@code >} matches one or more: {@code orders.*} matches
     * {@code orders.placed} but not {@code orders.placed.eu}; {@code orders.>} matches both. Type topics match by
     * their names too ({@code com.acme.orders.>}).
     *
     * @param pattern  the pattern; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the pattern is malformed (an empty token, or {@code >} not last)
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription subscribePattern(String pattern, EnvelopeHandler<Object> handler, Delivery delivery);

    /**
     * Subscribes a synchronous envelope handler: {@code subscribeEnvelopes(topic, handler, Delivery.sync())}.
     *
     * @param topic   the topic; not null
     * @param handler the handler; not null
     * @param <T>     the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    default <T> Subscription subscribeEnvelopes(Topic<T> topic, EnvelopeHandler<? super T> handler) {
        return subscribeEnvelopes(topic, handler, Delivery.sync());
    }

    /**
     * Subscribes a synchronous pattern handler: {@code subscribePattern(pattern, handler, Delivery.sync())}.
     *
     * @param pattern the pattern; not null
     * @param handler the handler; not null
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the pattern is malformed
     * @throws IllegalStateException    if the bus is closed
     */
    default Subscription subscribePattern(String pattern, EnvelopeHandler<Object> handler) {
        return subscribePattern(pattern, handler, Delivery.sync());
    }

    /**
     * Subscribes to the dead letters of one topic only, with the message typed as the topic's payload: a module
     * sees what was given up on in its own conversations and nothing of the others'. For a type topic, dead letters
     * of messages of subtypes are included, as {@link DeadLetter#isAbout(Topic)} says.
     *
     * @param topic    the topic whose dead letters to receive; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery of the dead letters; not null
     * @param <T>      the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the bus is closed
     */
    default <T> Subscription subscribeDeadLetters(Topic<T> topic, DeadLetterHandler<? super T> handler,
                                                  Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        @SuppressWarnings("unchecked")
        DeadLetterHandler<T> typed = (DeadLetterHandler<T>) handler;
        return subscribe(DeadLetter.class, new DeadLetterFilter(letter -> letter.isAbout(topic),
                letter -> typed.onDeadLetter(letter.envelope(topic), letter)), delivery);
    }

    /**
     * Subscribes to the dead letters of one subscription only, found by its {@linkplain Subscription#name() name}.
     *
     * @param subscription the name of the subscription that gives up on messages; not null
     * @param handler      the handler; not null
     * @param delivery     synchronous or asynchronous delivery of the dead letters; not null
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the bus is closed
     */
    default Subscription subscribeDeadLetters(String subscription, MessageHandler<? super DeadLetter> handler,
                                              Delivery delivery) {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(handler, "handler");
        return subscribe(DeadLetter.class, new DeadLetterFilter(letter -> letter.subscriber().equals(subscription),
                handler), delivery);
    }

    /**
     * Subscribes every method of {@code subscriber} annotated with {@link Subscribe}, synchronously.
     *
     * <p>An object is registered at most once at a time: registering it again before its subscription is closed
     * fails, as it would deliver every message to it twice.
     *
     * @param subscriber the object; not null
     * @return one subscription for all of its methods
     * @throws NullPointerException     if {@code subscriber} is null
     * @throws IllegalArgumentException if it has no {@code @Subscribe} method, or one has a wrong signature (the
     *                                  message names the method and nothing is subscribed), or if this object is
     *                                  already registered on this bus
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription register(Object subscriber);

    /**
     * Subscribes every method of {@code subscriber} annotated with {@link Subscribe}, delivered as {@code delivery}
     * says; each method gets its own mailbox.
     *
     * @param subscriber the object; not null
     * @param delivery   synchronous or asynchronous delivery; not null
     * @return one subscription for all of its methods
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as for {@link #register(Object)}, or if the delivery's name is already used
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription register(Object subscriber, Delivery delivery);

    /**
     * Returns a snapshot of every open subscription and responder of this bus, in the order they were made. Cheap
     * enough to call from a metrics poller: it copies the registry's arrays and reads a few counters, without locks.
     *
     * @return an immutable list, empty if nothing is subscribed; never null
     */
    List<SubscriptionInfo> subscriptions();

    /**
     * Tells whether a publish on this topic would reach at least one subscription now (for a type topic, one of the
     * type or of a supertype), so a publisher can skip building a costly message. A point-to-point send reaches the
     * same subscriptions; responders are not counted.
     *
     * @param topic the topic; not null
     * @return true if some open subscription receives the topic; false once the bus is closed, as it refuses
     *         publishes then
     */
    boolean hasSubscribers(Topic<?> topic);

    /**
     * As {@link #hasSubscribers(Topic)} for the type topic of a class: {@code hasSubscribers(Topic.of(type))}.
     *
     * @param type the message's class; not null
     * @return true if some open subscription receives messages of this class; false once the bus is closed
     */
    boolean hasSubscribers(Class<?> type);

    /**
     * Returns the last message published on a retained topic ({@link Builder#retain(Topic)}), the one that a new
     * subscription of the topic receives at once.
     *
     * <p><b>What is retained.</b> Each {@code publish} on the topic replaces the last message, once the interceptors'
     * {@code onPublish} let it through (a vetoed message is not retained; what an interceptor returned is). A
     * publish on a retained topic that reaches nobody is kept and is no {@link DeadMessage}. A
     * {@link #send(Topic, Object) send} is point-to-point, a command for one consumer: it is neither retained nor
     * replaces the retained message. Requests are never retained, and responders never receive retained messages.
     *
     * <p><b>New subscriptions.</b> Every {@code subscribe}, {@code subscribeEnvelopes}, {@code subscribePattern} and
     * {@code register} made while a retained topic holds a message, and whose subscription receives that topic (its
     * own topic, a supertype's type topic, a matching pattern), receives the message once, on its own delivery mode:
     * a synchronous handler on the subscribing thread before the subscribing method returns (after the current
     * message, when called from a handler); an asynchronous one through its mailbox, ahead of every message
     * published after it. Its failure is handled as any delivery's (retries, error handler, dead letter), but never
     * thrown to the subscriber, also with {@link Delivery#propagateFailures()}. A subscription that receives several
     * retained topics gets their messages in the order the topics were retained; what does not fit an asynchronous
     * subscription's mailbox is reported as dropped ({@link DroppedMessage.Reason#MAILBOX_FULL}).
     *
     * <p><b>Threads.</b> Publishing on a retained topic and subscribing are ordered by one lock of the bus, held to
     * store a reference or to join the routes, never while a handler runs: a subscription made while other threads
     * publish receives each message exactly once, either as the retained one or as a publish, never both, never
     * neither, and receives the retained message before every later publish on the topic. For a synchronous
     * subscription, a message published on the topic while the retained one is still being handed over on the
     * subscribing thread is queued behind it and delivered on that thread too, in publish order, as soon as the
     * retained one was handled: it is not counted in that publish's {@link PublishResult}, whose publisher does not
     * wait for it. The message was published on another thread: treat it as shared (or use isolated delivery).
     *
     * <p><b>After close</b> the retained messages can still be read and cleared.
     *
     * @param topic a retained topic; not null
     * @param <T>   the topic's type
     * @return the last message, or empty if none was published since the bus was built or the topic last cleared
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if the topic is not retained on this bus
     */
    <T> Optional<T> retained(Topic<T> topic);

    /**
     * Returns the last message of a retained topic in its envelope, with the id, headers and timestamp it was
     * published with. Otherwise as {@link #retained(Topic)}.
     *
     * @param topic a retained topic; not null
     * @param <T>   the topic's type
     * @return the last message's envelope, or empty
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if the topic is not retained on this bus
     */
    <T> Optional<Envelope<T>> retainedEnvelope(Topic<T> topic);

    /**
     * Forgets the last message of a retained topic: subscriptions made from now on receive nothing at once, until the
     * next publish; the topic stays retained. Ordered with publishes and subscriptions by the same lock.
     *
     * @param topic a retained topic; not null
     * @return true if the topic held a message
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if the topic is not retained on this bus
     */
    boolean clearRetained(Topic<?> topic);

    /**
     * Forgets the last message of every retained topic, as {@link #clearRetained(Topic)} does for one.
     *
     * @return how many topics held a message
     */
    int clearAllRetained();

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return true once the bus is closing or closed
     */
    boolean isClosed();

    /**
     * Closes the bus. New publishes and subscriptions fail with {@link IllegalStateException} from now on. Then the
     * mailboxes of asynchronous subscriptions drain, up to the drain timeout ({@link Builder#drainTimeout});
     * messages still waiting after it go to the dropped-message handler with
     * {@link DroppedMessage.Reason#BUS_CLOSED}, so nothing is lost without a report. Requests still waiting for a reply
     * then fail with {@link RequestException.Reason#BUS_CLOSED}. The bus shuts down the
     * executor it made itself, never one it was given. Idempotent. Called from a handler of an asynchronous
     * subscription of this bus, it drains the other mailboxes but does not wait for that one, which cannot drain
     * while its handler waits: the messages waiting in it are reported as {@code BUS_CLOSED} at once.
     */
    @Override
    void close();

    /**
     * Configures a {@link MessageBus}. Each method checks its argument at once; {@link #build()} may be called more
     * than once. Not thread-safe.
     */
    final class Builder {
        private String name = "busline";
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler;
        private Executor executor;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private final List<Interceptor> interceptors = new ArrayList<>();
        private final List<ContextPropagator> propagators = new ArrayList<>();
        private Consumer<? super DeliveryFailure> errorHandler;
        private Consumer<? super DeadMessage> deadMessageHandler;
        private Consumer<? super DroppedMessage> droppedHandler;
        private Serializer serializer;
        private final Map<Topic<?>, Serializer> topicSerializers = new LinkedHashMap<>();
        private TypeRegistry types = TypeRegistry.empty();
        private final Set<Topic<?>> isolatedTopics = new LinkedHashSet<>();
        private boolean failSendsWithoutConsumer;
        private final Set<Topic<?>> retainedTopics = new LinkedHashSet<>();
        private Boundaries boundaries = Boundaries.none();

        private Builder() {
        }

        /**
         * Names the bus, for logs and error messages. Default: {@code "busline"}.
         *
         * @param name a non-blank name
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the clock of envelope timestamps. Durations (timeouts, back-off) use the {@link #scheduler}.
         * Default: {@link Clock#systemUTC()}.
         *
         * @param clock the clock; not null
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the source of monotonic time and timers for deadlines, timeouts, back-off and circuit breakers, so
         * tests can drive time by hand. Default: {@link Scheduler#system()}, made on first use.
         *
         * @param scheduler the scheduler; not null
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sets the executor of asynchronous subscriptions that name none ({@link Delivery#async()}). The bus does
         * not shut it down. Default: a cached pool of daemon threads named after the bus, made on first use and
         * shut down by {@link MessageBus#close()}.
         *
         * @param executor the executor; not null
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets how long {@link MessageBus#close()} waits for mailboxes to drain. Default: 10 seconds.
         *
         * @param drainTimeout zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code drainTimeout} is negative
         */
        public Builder drainTimeout(Duration drainTimeout) {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative, but was " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * Adds an interceptor; interceptors run in the order they were added.
         *
         * @param interceptor the interceptor; not null
         * @return this builder
         */
        public Builder interceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Adds a context propagator, which carries thread-bound context (an MDC, a trace) from the publisher's thread
         * to asynchronous handlers; propagators run in the order they were added.
         *
         * @param propagator the propagator; not null
         * @return this builder
         * @see ContextPropagator
         */
        public Builder contextPropagator(ContextPropagator propagator) {
            propagators.add(Objects.requireNonNull(propagator, "propagator"));
            return this;
        }

        /**
         * Sets the handler of subscribers' failures. It runs on the thread that ran the failing handler, and must
         * not throw (what it throws is logged and ignored). With a {@link RetryPolicy}, it receives only the failure
         * of a message's last attempt. Default: log it, with the topic, message id, subscription and stack
         * trace, at ERROR if nobody else handles it, otherwise once at DEBUG, naming who does: the requester, for a
         * responder's failure (its future fails with it); the publisher, for a subscription made with
         * {@link Delivery#propagateFailures()} (its publish throws it); a {@link DeadLetter} subscription, when one
         * listens (subscriptions named {@code busline-...}, the project's own observers such as metrics, do not
         * count). The loggers are named after the bus's internal classes, under {@code org.busline.internal}.
         *
         * @param errorHandler the handler; not null
         * @return this builder
         */
        public Builder onError(Consumer<? super DeliveryFailure> errorHandler) {
            this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
            return this;
        }

        /**
         * Sets the handler of messages that reached nobody. It runs on the publisher's thread. Default: log the
         * first dead message of each topic at WARN (with a hint when the type topic of a dead named topic has
         * subscribers, the usual mix-up), and the later ones of that topic at DEBUG.
         *
         * @param deadMessageHandler the handler; not null
         * @return this builder
         */
        public Builder onDeadMessage(Consumer<? super DeadMessage> deadMessageHandler) {
            this.deadMessageHandler = Objects.requireNonNull(deadMessageHandler, "deadMessageHandler");
            return this;
        }

        /**
         * Sets the handler of messages dropped by an overflow policy or left undelivered at close. It runs on the
         * thread that dropped the message. Default: log at WARN with the topic, message id, subscription and reason.
         *
         * @param droppedHandler the handler; not null
         * @return this builder
         */
        public Builder onDropped(Consumer<? super DroppedMessage> droppedHandler) {
            this.droppedHandler = Objects.requireNonNull(droppedHandler, "droppedHandler");
            return this;
        }

        /**
         * Sets what {@link MessageBus#send} does with a message for a topic that has no subscription: go to the
         * dead-message handler as an unheard publish does (false, the default), or fail with
         * {@link NoConsumerException} (true), for applications where an unconsumed command is a bug.
         *
         * @param fail true to make such sends throw
         * @return this builder
         */
        public Builder failSendsWithoutConsumer(boolean fail) {
            this.failSendsWithoutConsumer = fail;
            return this;
        }

        /**
         * Enforces module boundaries: which module owns which topics, and who else may publish or consume them. A
         * subscription or responder names its module with {@link Delivery#module(String)} (or by a given name of the
         * form {@code module.rest}, see there); a publisher with {@link MessageBus#asModule(String, Runnable)}, and a
         * handler publishes as the module of its subscription. A forbidden subscription fails at {@code subscribe}
         * and a forbidden publish, send or request with {@link IllegalStateException}, each naming module, topic and
         * rule; in {@link Boundaries.Mode#AUDIT audit mode} they are logged once per module, topic and rule, counted,
         * reported to the boundaries' {@linkplain Boundaries#onViolation listener}, and allowed. Without boundaries
         * (the default) nothing is checked and nothing costs.
         *
         * @param boundaries the rules; not null
         * @return this builder
         */
        public Builder boundaries(Boundaries boundaries) {
            this.boundaries = Objects.requireNonNull(boundaries, "boundaries");
            return this;
        }

        /**
         * Sets the bus-wide serializer of isolated delivery ({@link Delivery#isolated()}, {@link #isolate(Topic)}),
         * used for every topic that has none of its own. Default: one made by the first {@link SerializerProvider}
         * that {@link java.util.ServiceLoader} finds on the class path or module path (such as {@code bus-jackson}'s),
         * with the {@linkplain #types(TypeRegistry) types} of this builder; an isolated subscription fails with
         * {@link IllegalStateException} if there is none.
         *
         * @param serializer the serializer; not null
         * @return this builder
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Sets the serializer of one topic's messages, instead of the bus-wide one.
         *
         * @param topic      the topic; not null
         * @param serializer the serializer; not null
         * @return this builder
         */
        public Builder serializer(Topic<?> topic, Serializer serializer) {
            Objects.requireNonNull(topic, "topic");
            topicSerializers.put(topic, Objects.requireNonNull(serializer, "serializer"));
            return this;
        }

        /**
         * Sets the logical types, versions and upcasters of the serializer found through
         * {@link java.util.ServiceLoader}. A serializer set with {@link #serializer(Serializer)} has its own. Default:
         * {@link TypeRegistry#empty()}, where each topic is written under its own name, version 1.
         *
         * @param types the registry; not null
         * @return this builder
         */
        public Builder types(TypeRegistry types) {
            this.types = Objects.requireNonNull(types, "types");
            return this;
        }

        /**
         * Isolates a topic: every subscription that receives its messages receives a deserialized copy, as if it had
         * subscribed with {@link Delivery#isolated()}.
         *
         * @param topic the topic; not null
         * @return this builder
         */
        public Builder isolate(Topic<?> topic) {
            isolatedTopics.add(Objects.requireNonNull(topic, "topic"));
            return this;
        }

        /**
         * Retains a topic: the bus keeps the last message published on it, and every subscription made later that
         * receives the topic gets that message at once, then the following ones (greenrobot's sticky events, MQTT's
         * retained messages). See {@link MessageBus#retained(Topic)} for the guarantees; retaining a topic twice is
         * the same as once.
         *
         * <p>Retention is per topic, exactly: retaining the type topic of {@code Animal} keeps what is published on
         * that topic, not what {@code publish(dog)} publishes on the type topic of {@code Dog}; retain each class
         * whose last message matters. A subscriber of a supertype (or a matching pattern) receives the retained
         * message of every retained topic it would receive.
         *
         * @param topic the topic; not null
         * @return this builder
         */
        public Builder retain(Topic<?> topic) {
            retainedTopics.add(Objects.requireNonNull(topic, "topic"));
            return this;
        }

        /**
         * Retains the type topic of a class: {@code retain(Topic.of(type))}.
         *
         * @param type the class of the messages; not null
         * @return this builder
         */
        public Builder retain(Class<?> type) {
            Objects.requireNonNull(type, "type");
            return retain(Topic.of(type));
        }

        /**
         * Builds a new bus with this configuration.
         *
         * @return the bus, open
         */
        public MessageBus build() {
            return Factory.INSTANCE.create(new BusFactory.Configuration(name, clock, scheduler, executor,
                    drainTimeout, List.copyOf(interceptors), List.copyOf(propagators), errorHandler, deadMessageHandler,
                    droppedHandler, serializer, Map.copyOf(topicSerializers), types, Set.copyOf(isolatedTopics),
                    failSendsWithoutConsumer, Collections.unmodifiableSet(new LinkedHashSet<>(retainedTopics)),
                    boundaries));
        }

        /** The implementation's factory, found once: the one of this module, whatever else the path holds. */
        private static final class Factory {
            static final BusFactory INSTANCE = find();

            private static BusFactory find() {
                for (BusFactory factory : ServiceLoader.load(BusFactory.class, BusFactory.class.getClassLoader())) {
                    if (factory.getClass().getModule() == BusFactory.class.getModule()
                            && factory.getClass().getClassLoader() == BusFactory.class.getClassLoader()) {
                        return factory;
                    }
                }
                throw new IllegalStateException("the bus implementation of module org.busline was not found: "
                        + "META-INF/services/org.busline.spi.BusFactory is missing from the bus-core jar");
            }
        }
    }
}
