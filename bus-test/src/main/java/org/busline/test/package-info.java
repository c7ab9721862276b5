/**
 * Busline's test kit: test the conversations between an application's modules over a bus, quickly and
 * deterministically, and see (and check) who publishes and who consumes what.
 *
 * <p>Start at {@link org.busline.test.BusRecorder#attach(org.busline.MessageBus.Builder)}:
 * <pre>{@code
 * BusRecorder recorder = BusRecorder.attach(MessageBus.builder().name("shop"));
 * MessageBus bus = recorder.build();
 * ... wire the modules, publish ...
 * OrderPlaced placed = recorder.waitFor(OrderPlaced.class).handledBy("payments").within(Duration.ofSeconds(2));
 * assertThat(recorder).inConversation(correlationId).noDeadLetters().noDrops();
 * }</pre>
 *
 * <p>The parts:
 * <ul>
 *   <li>{@link org.busline.test.BusRecorder}: records every message on every thread and mailbox of one bus, with its
 *       envelope and what each subscription did with it ({@link org.busline.test.RecordedMessage},
 *       {@link org.busline.test.RecordedDelivery}); waits for a message ({@link org.busline.test.Expectation}) or for
 *       the bus to be idle.</li>
 *   <li>{@link org.busline.test.BusAssertions}: AssertJ assertions on a recorder
 *       ({@link org.busline.test.RecorderAssert}, {@link org.busline.test.PublishedAssert}) and on a topology
 *       ({@link org.busline.test.TopologyAssert}).</li>
 *   <li>{@link org.busline.test.ManualScheduler} and {@link org.busline.test.ManualExecutor}: time and threads under
 *       the test's control, so retries, back-off, timeouts, deadlines and circuit breakers are tested without
 *       sleeping.</li>
 *   <li>{@link org.busline.test.BusExtension}: a fresh bus and recorder per JUnit 5 test.</li>
 *   <li>{@link org.busline.test.Topology}: the modules, topics and dependencies of a bus, as JSON and Mermaid, with
 *       architecture checks and a baseline file.</li>
 * </ul>
 */
package org.busline.test;
