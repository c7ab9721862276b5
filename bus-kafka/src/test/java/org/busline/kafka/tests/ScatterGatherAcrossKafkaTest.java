package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.RequestRoute;
import org.busline.kafka.ResponderRoute;
import org.busline.kafka.tests.Shop.Price;
import org.busline.kafka.tests.Shop.Quote;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bus.requestAll(...) on one bus gathers its local responder's reply and one answer from each service behind the
 * Kafka bridge: "eu" and "us", two remote buses in consumer groups of their own. Sku "slow" makes eu answer after the
 * deadline; sku "boom" makes us fail.
 */
class ScatterGatherAcrossKafkaTest {
    private static final Duration DEADLINE = Duration.ofSeconds(3);
    private static final long SLOW_MILLIS = 4_500;

    private static final List<AutoCloseable> OPEN = new ArrayList<>();
    private static final List<DroppedMessage> DROPPED = new CopyOnWriteArrayList<>();
    private static MessageBus shop;
    private static KafkaBridge shopBridge;
    private static MessageBus kiosk;

    @BeforeAll
    static void start() {
        String requests = TestBroker.uniqueName("sg-quotes");
        String shopReplies = TestBroker.uniqueName("sg-replies-shop");
        String kioskReplies = TestBroker.uniqueName("sg-replies-kiosk");
        TestBroker.createTopics(2, requests);
        TestBroker.createTopics(1, shopReplies, kioskReplies);
        remoteService("eu", requests, 100);
        remoteService("us", requests, 110);

        shop = open(MessageBus.builder().name("shop").onDropped(DROPPED::add).build());
        shop.respond(Shop.QUOTES, quote -> new Price(quote.sku(), 90L * quote.quantity()),
                Delivery.sync().name("local"));
        shopBridge = open(bridge(shop).replyTopic(shopReplies).requestTimeout(Duration.ofSeconds(10))
                .requests(RequestRoute.of(Shop.QUOTES, Price.class).to(requests).expect("eu", "us")).start());
        kiosk = open(MessageBus.builder().name("kiosk").build());
        open(bridge(kiosk).replyTopic(kioskReplies)
                .requests(RequestRoute.of(Shop.QUOTES, Price.class).to(requests)).start());

        // Both groups joined and read the request topic once this has been answered by both.
        Gathered<Price> warm = shop.requestAll(Shop.QUOTES, new Quote("warm-up", 1), Price.class,
                Duration.ofSeconds(30)).join();
        assertThat(warm.replies()).extracting(Gathered.Reply::responder).containsExactlyInAnyOrder("local", "eu",
                "us");
    }

    /** A service answering quotes at {@code cents} a piece, through its own bridge in consumer group {@code name}. */
    private static void remoteService(String name, String requests, long cents) {
        MessageBus bus = open(MessageBus.builder().name(name).build());
        bus.respond(Shop.QUOTES, quote -> {
            if (quote.sku().startsWith("slow") && name.equals("eu")) {
                Thread.sleep(SLOW_MILLIS);
            }
            if (quote.sku().startsWith("boom") && name.equals("us")) {
                throw new IllegalStateException("no price for " + quote.sku() + " in us");
            }
            return new Price(quote.sku(), cents * quote.quantity());
        }, Delivery.async().concurrency(8).name("prices"));
        open(bridge(bus).responder(ResponderRoute.of(Shop.QUOTES, Price.class, name).from(requests)).start());
    }

    private static KafkaBridge.Builder bridge(MessageBus bus) {
        return KafkaBridge.builder(bus, TestBroker.bootstrapServers()).serializer(Shop.serializer()).types(Shop.TYPES);
    }

    private static <T extends AutoCloseable> T open(T resource) {
        OPEN.add(0, resource);
        return resource;
    }

    @AfterAll
    static void stop() throws Exception {
        // Bridges before their buses: each was opened after its bus, and they close in reverse order.
        for (AutoCloseable resource : OPEN) {
            resource.close();
        }
    }

    private static List<DroppedMessage> lateRepliesFor(String sku) {
        return DROPPED.stream().filter(dropped -> dropped.reason() == DroppedMessage.Reason.LATE_REPLY
                && ((Price) dropped.envelope().payload()).sku().equals(sku)).toList();
    }

    @Test
    void gathersTheLocalReplyAndOneFromEachRemoteServiceCompletingOnceTheExpectedAnswered() {
        long start = System.nanoTime();
        Gathered<Price> result = shop.requestAll(Shop.QUOTES, new Quote("pen", 2), Price.class, DEADLINE).join();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.replies()).containsExactlyInAnyOrder(new Gathered.Reply<>("local", new Price("pen", 180)),
                new Gathered.Reply<>("eu", new Price("pen", 200)), new Gathered.Reply<>("us", new Price("pen", 220)));
        assertThat(result.failures()).isEmpty();
        assertThat(result.unanswered()).isEmpty();
        assertThat(tookMillis).as("both expected services answered: no wait for the deadline")
                .isLessThan(DEADLINE.toMillis());
        assertThat(shopBridge.pendingRequests()).isZero();
    }

    @Test
    void aServiceSlowerThanTheDeadlineIsUnansweredAndItsLateReplyIsReportedNeverHandedOver() {
        long start = System.nanoTime();
        Gathered<Price> result = shop.requestAll(Shop.QUOTES, new Quote("slow-ink", 1), Price.class, DEADLINE)
                .join();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.replies()).extracting(Gathered.Reply::responder).containsExactlyInAnyOrder("local", "us");
        assertThat(result.unanswered()).containsExactly("eu");
        assertThat(tookMillis).as("completed at the deadline").isBetween(DEADLINE.toMillis() - 100, SLOW_MILLIS);
        assertThat(shopBridge.pendingRequests()).as("nothing waits once the gathering completed").isZero();

        Await.until(Duration.ofSeconds(10), () -> !lateRepliesFor("slow-ink").isEmpty(), DROPPED::toString);
        assertThat(lateRepliesFor("slow-ink")).singleElement().satisfies(late -> {
            assertThat(late.subscriber()).isEqualTo("eu");
            assertThat(late.envelope().payload()).isEqualTo(new Price("slow-ink", 100));
        });
        assertThat(result.replies()).hasSize(2);
    }

    @Test
    void aFailingServiceIsReportedAsAFailureWithItsRemoteReason() {
        Gathered<Price> result = shop.requestAll(Shop.QUOTES, new Quote("boom-cup", 1), Price.class, DEADLINE)
                .join();

        assertThat(result.replies()).extracting(Gathered.Reply::responder).containsExactlyInAnyOrder("local", "eu");
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.responder()).isEqualTo("us");
            assertThat(failure.cause()).isInstanceOfSatisfying(RequestException.class, cause -> {
                assertThat(cause.reason()).isEqualTo(RequestException.Reason.RESPONDER_FAILED);
                assertThat(cause).hasMessageContaining("no price for boom-cup in us");
            });
        });
        assertThat(result.unanswered()).isEmpty();
    }

    @Test
    void firstNCompletesEarlyAndTheOtherServicesAnswerIsALateReply() {
        Gathered<Price> result = shop.requestAll(Shop.QUOTES, new Quote("hat", 1), Price.class,
                Gather.<Price>within(DEADLINE).first(2)).join();

        assertThat(result.replies()).hasSize(2);
        assertThat(result.replies().get(0).responder()).isEqualTo("local");
        String first = result.replies().get(1).responder();
        String other = first.equals("eu") ? "us" : "eu";
        assertThat(result.unanswered()).containsExactly(other);
        assertThat(shopBridge.pendingRequests()).isZero();
        Await.until(Duration.ofSeconds(10), () -> !lateRepliesFor("hat").isEmpty(), DROPPED::toString);
        assertThat(lateRepliesFor("hat")).singleElement()
                .satisfies(late -> assertThat(late.subscriber()).isEqualTo(other));
    }

    @Test
    void withoutExpectedServicesEveryAnswerByTheDeadlineIsGathered() {
        long start = System.nanoTime();
        Gathered<Price> result = kiosk.requestAll(Shop.QUOTES, new Quote("mug", 1), Price.class,
                Duration.ofMillis(1_500)).join();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.replies()).extracting(Gathered.Reply::responder).containsExactlyInAnyOrder("eu", "us");
        assertThat(result.unanswered()).isEmpty();
        assertThat(tookMillis).as("nobody said who to wait for: the deadline").isGreaterThanOrEqualTo(1_400);
    }

    @Test
    void manyGatheringsEachHearEveryServiceOnceAndLeaveNothingPending() {
        List<CompletableFuture<Gathered<Price>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(shop.requestAll(Shop.QUOTES, new Quote("many-" + i, 1), Price.class, Duration.ofSeconds(20)));
        }
        for (int i = 0; i < 200; i++) {
            Gathered<Price> result = all.get(i).join();
            assertThat(result.replies()).as("gathering %d", i).extracting(Gathered.Reply::responder)
                    .containsExactlyInAnyOrder("local", "eu", "us");
            assertThat(result.values()).extracting(Price::sku).containsOnly("many-" + i);
        }
        assertThat(shopBridge.pendingRequests()).isZero();
    }

    @Test
    void aSingleRequestStillTakesOneAnswerInRotationWithTheLocalResponder() {
        List<Long> cents = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            cents.add(shop.request(Shop.QUOTES, new Quote("one", 1), Price.class, Duration.ofSeconds(20)).join()
                    .cents());
        }
        assertThat(cents).as("the local responder's, and the first service's through the bridge").contains(90L)
                .anyMatch(price -> price == 100L || price == 110L);
        assertThat(shopBridge.pendingRequests()).as("answered: forgotten at once").isZero();
    }
}
