/**
 * Busline's API: an in-process message bus for the modules of one application.
 *
 * <p>Start at {@link org.busline.MessageBus#builder()}:
 * <pre>{@code
 * MessageBus bus = MessageBus.builder().name("shop").build();
 * bus.subscribe(OrderPlaced.class, order -> inventory.reserve(order));              // synchronous
 * bus.subscribe(OrderPlaced.class, order -> mail.confirm(order), Delivery.async(pool)); // its own mailbox
 * bus.publish(new OrderPlaced("o-1"));
 * }</pre>
 *
 * <p>The parts:
 * <ul>
 *   <li>{@link org.busline.Topic} and {@link org.busline.TypeRef}: where messages travel: the default topic of a type,
 *       a generic type, or a named topic.</li>
 *   <li>{@link org.busline.Envelope}: a message with its id, timestamp, correlation and causation ids and
 *       headers.</li>
 *   <li>{@link org.busline.MessageHandler}, {@link org.busline.EnvelopeHandler} and {@link org.busline.Subscribe}:
 *       the ways to receive.</li>
 *   <li>{@link org.busline.Delivery} and {@link org.busline.OverflowPolicy}: synchronous or asynchronous, bounded,
 *       ordered or concurrent.</li>
 *   <li>{@link org.busline.PublishResult}, {@link org.busline.DeliveryFailure}, {@link org.busline.DeadMessage},
 *       {@link org.busline.DroppedMessage}: what happened to a message, so nothing is lost without a report.</li>
 *   <li>{@link org.busline.RetryPolicy}, {@link org.busline.CircuitBreakerPolicy} and {@link org.busline.DeadLetter}:
 *       per-subscription resilience (with {@code Delivery}'s timeout, bulkhead and idempotency); every delivery ends
 *       handled or dead-lettered.</li>
 *   <li>Point-to-point and request/reply: {@link org.busline.MessageBus#send} hands each message to exactly one
 *       subscription, in rotation; {@link org.busline.Responder} and {@link org.busline.AsyncResponder} answer
 *       {@link org.busline.MessageBus#request}s, whose failures are {@link org.busline.RequestException}s;
 *       {@link org.busline.NoConsumerException} reports a send that nobody could take, where configured.</li>
 * </ul>
 * Integrations implement the interfaces of {@code org.busline.spi}.
 */
package org.busline;
