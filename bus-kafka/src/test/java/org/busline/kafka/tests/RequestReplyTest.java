package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.RequestRoute;
import org.busline.kafka.ResponderRoute;
import org.busline.kafka.tests.Shop.Price;
import org.busline.kafka.tests.Shop.Quote;
import org.junit.jupiter.api.Test;

/** bus.request(...) answered by a responder of another bus, through a request topic and a reply topic. */
class RequestReplyTest {

    private static KafkaBridge.Builder bridge(MessageBus bus) {
        return KafkaBridge.builder(bus, TestBroker.bootstrapServers()).serializer(Shop.serializer()).types(Shop.TYPES);
    }

    @Test
    @SuppressWarnings("try") // the bridges only need to run, and to close in order
    void answersARequestFromAnotherBusKeepingItsCorrelation() throws Exception {
        String requests = TestBroker.uniqueName("quotes");
        String replies = TestBroker.uniqueName("replies-a");
        TestBroker.createTopics(2, requests);
        TestBroker.createTopics(1, replies);
        try (MessageBus a = MessageBus.builder().name("shop").build();
             MessageBus b = MessageBus.builder().name("pricing").build()) {
            List<Envelope<?>> publishedByResponder = new CopyOnWriteArrayList<>();
            b.subscribeEnvelopes(Shop.PAYMENTS, publishedByResponder::add, Delivery.sync());
            b.respond(Shop.QUOTES, quote -> {
                b.publish(Shop.PAYMENTS, new Shop.PaymentTaken(quote.sku(), 1));
                return new Price(quote.sku(), 100L * quote.quantity());
            });
            try (KafkaBridge pricing = bridge(b).responder(ResponderRoute.of(Shop.QUOTES, Price.class, "pricing")
                    .from(requests)).start();
                 KafkaBridge shop = bridge(a).replyTopic(replies)
                         .requests(RequestRoute.of(Shop.QUOTES, Price.class).to(requests)).start()) {
                Envelope<Quote> request = Envelope.of(Shop.QUOTES, new Quote("sku-1", 3)).withCorrelationId("cart-9");
                Envelope<Price> reply = a.requestEnvelope(request, Price.class, Duration.ofSeconds(20))
                        .get();
                assertThat(reply.payload()).isEqualTo(new Price("sku-1", 300));
                assertThat(reply.correlationId()).isEqualTo("cart-9");
                assertThat(publishedByResponder).hasSize(1);
                assertThat(publishedByResponder.get(0).correlationId()).as("the remote responder's messages carry "
                        + "the requester's correlation id").isEqualTo("cart-9");
                assertThat(publishedByResponder.get(0).causationId()).isEqualTo(request.id());

                List<CompletableFuture<Price>> many = new ArrayList<>();
                for (int i = 1; i <= 200; i++) {
                    many.add(a.request(Shop.QUOTES, new Quote("sku-" + i, i), Price.class, Duration.ofSeconds(20)));
                }
                for (int i = 1; i <= 200; i++) {
                    assertThat(many.get(i - 1).get()).isEqualTo(new Price("sku-" + i, 100L * i));
                }
            }
        }
    }

    @Test
    void reachesAResponderInAnotherJvmWithDeadlinesAndReasonsKept() throws Exception {
        String requests = TestBroker.uniqueName("x-quotes");
        String noResponder = TestBroker.uniqueName("x-nobody");
        String replies = TestBroker.uniqueName("x-replies");
        TestBroker.createTopics(2, requests, noResponder);
        TestBroker.createTopics(1, replies);
        try (ChildProcess pricing = ChildProcess.start(ChildService.class, ChildProcess.tempFile("pricing"),
                "respond", TestBroker.bootstrapServers(), requests, "pricing");
             MessageBus a = MessageBus.builder().name("shop").build()) {
            KafkaBridge shop = bridge(a).replyTopic(replies).requestTimeout(Duration.ofSeconds(20))
                    .requests(RequestRoute.of(Shop.QUOTES, Price.class).to(requests)).start();
            try {
                assertThat(a.request(Shop.QUOTES, new Quote("sku-1", 2), Price.class, Duration.ofSeconds(30)).get())
                        .isEqualTo(new Price("sku-1", 200));

                RequestException failed = failure(a.request(Shop.QUOTES, new Quote("boom", 1), Price.class,
                        Duration.ofSeconds(20)));
                assertThat(failed.reason()).isEqualTo(RequestException.Reason.RESPONDER_FAILED);
                assertThat(failed.getCause()).isInstanceOf(RequestException.class);
                assertThat(((RequestException) failed.getCause()).reason())
                        .isEqualTo(RequestException.Reason.RESPONDER_FAILED);
                assertThat(failed.getCause()).hasMessageContaining("no price for sku boom");

                long start = System.nanoTime();
                RequestException late = failure(a.request(Shop.QUOTES, new Quote("slow", 1), Price.class,
                        Duration.ofMillis(700)));
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(late.reason()).isEqualTo(RequestException.Reason.TIMEOUT);
                assertThat(tookMillis).as("the requester's deadline, not the bridge's").isBetween(600L, 2500L);
            } finally {
                shop.close();
            }
            assertThat(pricing.stop()).isZero();
        }
        try (MessageBus a = MessageBus.builder().name("shop").build()) {
            KafkaBridge shop = bridge(a).replyTopic(replies).requestTimeout(Duration.ofSeconds(20))
                    .requests(RequestRoute.of(Shop.QUOTES, Price.class).to(noResponder)).start();
            try {
                RequestException nobody = failure(a.request(Shop.QUOTES, new Quote("sku-1", 1), Price.class,
                        Duration.ofMillis(500)));
                assertThat(nobody.reason()).as("no service reads the request topic: the requester times out")
                        .isEqualTo(RequestException.Reason.TIMEOUT);
            } finally {
                shop.close();
            }
        }
    }

    @Test
    void tellsTheRequesterThatTheRemoteBusHasNoResponder() throws Exception {
        String requests = TestBroker.uniqueName("unanswered");
        String replies = TestBroker.uniqueName("replies-n");
        TestBroker.createTopics(1, requests, replies);
        try (MessageBus a = MessageBus.builder().name("shop").build();
             MessageBus b = MessageBus.builder().name("pricing").build()) {
            KafkaBridge pricing = bridge(b).responder(ResponderRoute.of(Shop.QUOTES, Price.class, "pricing")
                    .from(requests)).start();
            KafkaBridge shop = bridge(a).replyTopic(replies)
                    .requests(RequestRoute.of(Shop.QUOTES, Price.class).to(requests)).start();
            try {
                RequestException failed = failure(a.request(Shop.QUOTES, new Quote("sku-1", 1), Price.class,
                        Duration.ofSeconds(20)));
                assertThat(failed.reason()).isEqualTo(RequestException.Reason.RESPONDER_FAILED);
                assertThat(((RequestException) failed.getCause()).reason())
                        .isEqualTo(RequestException.Reason.NO_RESPONDER);
            } finally {
                shop.close();
                pricing.close();
            }
        }
    }

    private static RequestException failure(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(RequestException.class);
            return (RequestException) e.getCause();
        }
        throw new AssertionError("the request succeeded");
    }

    /** A reply Jackson cannot write (an empty bean). */
    record Odd(Object value) {
    }

    @Test
    @SuppressWarnings("try")
    void aReplyThatCannotBeEncodedIsAnsweredAtOnceNotLeftToTheDeadline() throws Exception {
        String requests = TestBroker.uniqueName("odd");
        String replies = TestBroker.uniqueName("replies-odd");
        TestBroker.createTopics(1, requests);
        TestBroker.createTopics(1, replies);
        try (MessageBus a = MessageBus.builder().name("asker").build();
             MessageBus b = MessageBus.builder().name("odd-one").build()) {
            b.respond(Shop.QUOTES, quote -> new Odd(new Object()));
            try (KafkaBridge answering = bridge(b).responder(ResponderRoute.of(Shop.QUOTES, Odd.class, "odd-one")
                    .from(requests)).start();
                 KafkaBridge asking = bridge(a).replyTopic(replies)
                         .requests(RequestRoute.of(Shop.QUOTES, Odd.class).to(requests)).start()) {
                long began = System.nanoTime();
                CompletableFuture<Odd> reply = a.request(Shop.QUOTES, new Quote("sku-odd", 1), Odd.class,
                        Duration.ofSeconds(30));

                assertThat(reply).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
                        .havingRootCause().withMessageContaining("cannot");
                assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
                Throwable failure = reply.handle((ok, thrown) -> thrown).get();
                assertThat(failure).hasStackTraceContaining("reply cannot be encoded");
            }
        }
    }
}
