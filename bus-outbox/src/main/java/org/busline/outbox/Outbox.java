package org.busline.outbox;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.busline.Envelope;
import org.busline.EnvelopeHandler;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.outbox.internal.OutboxConfig;
import org.busline.outbox.internal.OutboxConfig.SinkSpec;
import org.busline.outbox.internal.Relayed;
import org.busline.spi.Serializer;
import org.busline.spi.TypeRegistry;

/**
 * A transactional outbox: events written in the application's own JDBC transaction, and relayed after its commit, at
 * least once, to the durable subscriptions and sinks of their topics.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.builder(dataSource, bus)
 *         .durable("inventory.reservations", ORDER_PLACED, order -> inventory.reserve(order))
 *         .build();
 *
 * outbox.inTransaction(connection -> {
 *     orders.insert(connection, order);                      // the business row
 *     return outbox.publish(connection, ORDER_PLACED, new OrderPlaced(order.id()), order.id());
 * });                                                         // commits both, then wakes the relay
 * }</pre>
 *
 * <p><b>Publishing.</b> {@link #publish(Connection, Topic, Object, String, Map)} inserts one row per durable
 * subscription or sink of the topic, in the caller's transaction: nothing is visible before the commit, nothing
 * survives a rollback. It serializes the message with the outbox's {@link Serializer}, under the logical type name of
 * its {@link TypeRegistry} (never a class name), so a message that cannot be serialized fails the publish, and the
 * caller's transaction can roll back.
 *
 * <p><b>Relaying.</b> A relay thread claims due rows in short transactions ({@code FOR UPDATE SKIP LOCKED}), each
 * with a lease (owner, expiry) and a new fencing token, and delivers them outside any database transaction on the
 * relay's worker threads. A delivery that succeeds completes its row, one that fails is retried after an exponential
 * back-off with full jitter ({@link Builder#retry(RetryPolicy)}) and ends {@code DEAD} after the most attempts; both
 * only with the token of the claim, so a relay whose lease ran out (and whose row another relay claimed) changes
 * nothing: its completion is counted as fenced ({@link OutboxStats#fencedCompletions()}) and logged. The relay is
 * woken after a commit of {@link #inTransaction} or of a {@link TransactionBinding}, and polls as a safety net
 * ({@link Builder#pollInterval(Duration)}).
 *
 * <p><b>Guarantees.</b> At least once per (event, subscription) while the database keeps its commits, also across
 * crashes and restarts: a subscription that comes back under the same name receives what it had not completed, with
 * the same {@linkplain Envelope#id() event id} (deduplicate with {@link org.busline.Delivery#idempotent(int)} or the {@link Inbox}).
 * Per key and subscription, first deliveries follow the order in which the events were stored, across every instance
 * sharing the table; a dead row blocks its key until it is resubmitted, unless {@link Builder#skipDeadRows(boolean)}.
 *
 * <p>Every method is thread-safe. No argument may be null unless its description says so.
 */
public interface Outbox extends AutoCloseable {

    /**
     * Returns a builder of an outbox over a database and a bus.
     *
     * @param dataSource where the outbox's tables live and the application's transactions run: H2 2.x, PostgreSQL
     *                   or MariaDB 10.6+; not null. H2 in file mode needs {@code WRITE_DELAY=0} in its URL; it then survives a killed
     *                   process (kill -9) but not a power loss, as it does not fsync each commit: use PostgreSQL
     *                   where that matters
     * @param bus        the bus whose events the outbox relays; not null
     * @return a new builder
     * @throws NullPointerException if an argument is null
     */
    static Builder builder(DataSource dataSource, MessageBus bus) {
        return new Builder(dataSource, bus);
    }

    /**
     * Writes an event into the caller's transaction, without a key (its deliveries are not ordered).
     *
     * @param connection the caller's connection, auto-commit off; not null
     * @param topic      the topic; not null
     * @param message    the message; not null
     * @param <T>        the message type
     * @return the event's id
     * @see #publish(Connection, Topic, Object, String, Map)
     */
    <T> String publish(Connection connection, Topic<T> topic, T message);

    /**
     * Writes an event with a key into the caller's transaction.
     *
     * @param connection the caller's connection, auto-commit off; not null
     * @param topic      the topic; not null
     * @param message    the message; not null
     * @param key        the key (aggregate id), or null
     * @param <T>        the message type
     * @return the event's id
     * @see #publish(Connection, Topic, Object, String, Map)
     */
    <T> String publish(Connection connection, Topic<T> topic, T message, String key);

    /**
     * Writes an event into the caller's transaction: one row for each durable subscription and sink of the topic.
     * The rows become visible to the relay when the caller commits and vanish if it rolls back. The outbox neither
     * commits nor closes the connection; call {@link #wake()} after the commit to deliver at once rather than at the
     * next poll ({@link #inTransaction} does it).
     *
     * @param connection the caller's connection, auto-commit off; not null
     * @param topic      the topic; not null
     * @param message    the message; not null, an instance of the topic's type
     * @param key        the key (aggregate id): events of one key reach each subscription in the order they were
     *                   stored, provided the caller's transactions for one key do not overlap (they lock the
     *                   aggregate's row, say); or null for no order
     * @param headers    the envelope's headers; not null
     * @param <T>        the message type
     * @return the event's id, the same for every subscription and every redelivery
     * @throws NullPointerException                   if an argument but {@code key} is null
     * @throws IllegalArgumentException               if the message does not fit the topic, or no durable
     *                                                subscription or sink receives the topic (the event would be lost)
     * @throws IllegalStateException                  if the connection is in auto-commit mode, or the outbox is closed
     * @throws org.busline.spi.SerializationException if the message cannot be serialized; names the topic and the
     *                                                logical type; nothing was written
     * @throws OutboxException                        if the database fails; the caller should roll back
     */
    <T> String publish(Connection connection, Topic<T> topic, T message, String key, Map<String, String> headers);

    /**
     * Writes an event with the metadata of an envelope (id, correlation and causation ids, headers) into the caller's
     * transaction, as {@link #publish(Connection, Topic, Object, String, Map)} does.
     *
     * @param connection the caller's connection, auto-commit off; not null
     * @param envelope   the envelope; not null
     * @param key        the key, or null
     * @param <T>        the message type
     * @return the event's id
     */
    <T> String publish(Connection connection, Envelope<T> envelope, String key);

    /**
     * Writes an event into the transaction of the {@link Builder#transactions(TransactionBinding) bound transaction
     * manager} and wakes the relay after its commit.
     *
     * @param topic   the topic; not null
     * @param message the message; not null
     * @param key     the key, or null
     * @param <T>     the message type
     * @return the event's id
     * @throws IllegalStateException if no binding was set, or the binding finds no transaction
     * @see #publish(Connection, Topic, Object, String, Map)
     */
    <T> String publish(Topic<T> topic, T message, String key);

    /**
     * Writes an event without a key into the transaction of the bound transaction manager.
     *
     * @param topic   the topic; not null
     * @param message the message; not null
     * @param <T>     the message type
     * @return the event's id
     * @see #publish(Topic, Object, String)
     */
    <T> String publish(Topic<T> topic, T message);

    /**
     * Runs a unit of work in a new transaction on a connection of the outbox's DataSource, commits it, then wakes the
     * relay; rolls back if the work throws. Blocks the calling thread for the work and the commit.
     *
     * @param work the work; not null
     * @param <R>  the type of its result
     * @return what the work returned
     * @throws RuntimeException the work's unchecked exception, as it was, after the rollback
     * @throws OutboxException  if the work threw a checked exception (the cause), or the database failed
     */
    <R> R inTransaction(TransactionalWork<R> work);

    /**
     * Wakes the relay to claim due rows now rather than at the next poll. Never blocks; cheap.
     */
    void wake();

    /**
     * Counts the rows of the table and returns them with this relay's counters. Runs a query.
     *
     * @return the snapshot
     * @throws OutboxException if the database fails
     */
    OutboxStats stats();

    /**
     * Lists dead rows, oldest first.
     *
     * @param limit the most rows returned; positive
     * @return the rows, at most {@code limit}
     * @throws IllegalArgumentException if {@code limit} is not positive
     * @throws OutboxException          if the database fails
     */
    List<DeadEvent> deadEvents(int limit);

    /**
     * Makes a dead row pending again, with its attempts reset, and wakes the relay.
     *
     * @param event a row from {@link #deadEvents(int)}; not null
     * @return true if the row was dead and is now pending; false if it is no longer dead
     * @throws OutboxException if the database fails
     */
    boolean resubmit(DeadEvent event);

    /**
     * Returns the inbox, for consumers that deduplicate in their own transaction.
     *
     * @return the inbox
     */
    Inbox inbox();

    /**
     * Stops the relay: no new claims; waits up to the drain timeout for deliveries in progress to complete, and
     * leaves the others to be claimed again when their leases run out. Publishing fails afterwards. Idempotent.
     */
    @Override
    void close();

    /**
     * Configures an {@link Outbox}. Each method checks its argument at once, and {@link #build()} checks the database.
     * Not thread-safe.
     */
    final class Builder {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$:\\-]+(\\.[A-Za-z0-9_$:\\-]+)*");
        private static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,30}");

        private final DataSource dataSource;
        private final MessageBus bus;
        private final Map<String, SinkSpec> sinks = new LinkedHashMap<>();
        private Serializer serializer;
        private TypeRegistry types = TypeRegistry.empty();
        private String tablePrefix = "busline_";
        private boolean createSchema = true;
        private String owner;
        private int relayThreads = 4;
        private int batchSize = 100;
        private int maxInFlight = 1_000;
        private Duration leaseDuration = Duration.ofSeconds(30);
        private Duration deliveryTimeout;
        private Duration pollInterval = Duration.ofSeconds(1);
        private RetryPolicy retry = RetryPolicy.of(10).backoff(Duration.ofMillis(500), Duration.ofMinutes(5));
        private boolean skipDeadRows;
        private Duration retention = Duration.ofDays(1);
        private int cleanupBatchSize = 1_000;
        private Clock clock = Clock.systemUTC();
        private boolean relay = true;
        private TransactionBinding transactions;
        private Duration drainTimeout = Duration.ofSeconds(5);

        private Builder(DataSource dataSource, MessageBus bus) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.bus = Objects.requireNonNull(bus, "bus");
        }

        /**
         * Adds a durable subscription: the relay calls {@code handler} with each committed message of the topic, at
         * least once, also after a crash and a restart under the same name. The handler runs on a relay worker
         * thread; a return completes the row, an exception fails the attempt.
         *
         * @param name    the subscription's stable name, stored in each row (column {@code sink}), for example
         *                {@code "inventory.reservations"}; dot-separated tokens like a topic name
         * @param topic   the topic; not null
         * @param handler the handler; not null
         * @param <T>     the message type
         * @return this builder
         * @throws IllegalArgumentException if the name is malformed or already used by a subscription or sink
         */
        public <T> Builder durable(String name, Topic<T> topic, MessageHandler<? super T> handler) {
            Objects.requireNonNull(handler, "handler");
            EnvelopeHandler<T> unwrapping = envelope -> handler.onMessage(envelope.payload());
            return durableEnvelopes(name, topic, unwrapping);
        }

        /**
         * Adds a durable subscription whose handler receives each message in its envelope, with its id and headers
         * (the header {@link RetryPolicy#ATTEMPT_HEADER} carries the attempt number). Otherwise as
         * {@link #durable(String, Topic, MessageHandler)}.
         *
         * @param name    the subscription's stable name; not null
         * @param topic   the topic; not null
         * @param handler the handler; not null
         * @param <T>     the message type
         * @return this builder
         * @throws IllegalArgumentException if the name is malformed or already used
         */
        public <T> Builder durableEnvelopes(String name, Topic<T> topic, EnvelopeHandler<T> handler) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(handler, "handler");
            return add(name, List.of(topic.name()), Relayed.local(topic, handler));
        }

        /**
         * Adds a durable subscription whose handler writes to the outbox's database in one transaction with the
         * {@link Inbox} row {@code (name, event id)}: a message redelivered after a crash is skipped, so its effects
         * happen exactly once. Otherwise as {@link #durable(String, Topic, MessageHandler)}.
         *
         * @param name    the subscription's stable name, also the inbox's consumer name; not null
         * @param topic   the topic; not null
         * @param handler the handler; not null
         * @param <T>     the message type
         * @return this builder
         * @throws IllegalArgumentException if the name is malformed or already used
         */
        public <T> Builder durableInTransaction(String name, Topic<T> topic, TransactionalHandler<T> handler) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(handler, "handler");
            return add(name, List.of(topic.name()), Relayed.transactional(name, topic, handler));
        }

        /**
         * Adds a durable subscription that publishes each committed message of a topic on the bus, in its original
         * envelope, so that the bus's ordinary subscribers see only committed events, at least once.
         *
         * @param name  the subscription's stable name; not null
         * @param topic the topic; not null
         * @return this builder
         * @throws IllegalArgumentException if the name is malformed or already used
         */
        public Builder relayToBus(String name, Topic<?> topic) {
            Objects.requireNonNull(topic, "topic");
            return add(name, List.of(topic.name()), Relayed.toBus(topic, bus));
        }

        /**
         * Adds a sink under a stable name: every event published on a topic that matches one of the patterns is stored
         * for it and delivered to it at least once, as {@link OutboxSink} describes.
         *
         * @param name          the sink's stable name, stored in each row (column {@code sink}); not null
         * @param sink          the sink; not null
         * @param topicPatterns topic names, or wildcard patterns where {@code *} matches one token and a final
         *                      {@code >} one or more ({@code "orders.>"}); at least one
         * @return this builder
         * @throws IllegalArgumentException if the name or a pattern is malformed, no pattern is given, or the name is
         *                                  already used
         */
        public Builder sink(String name, OutboxSink sink, String... topicPatterns) {
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(topicPatterns, "topicPatterns");
            if (topicPatterns.length == 0) {
                throw new IllegalArgumentException("sink '" + name + "' needs at least one topic pattern");
            }
            List<String> patterns = new ArrayList<>();
            for (String pattern : topicPatterns) {
                Objects.requireNonNull(pattern, "topicPatterns[]");
                String plain = pattern.replace(".*.", ".a.").replaceAll("^\\*\\.", "a.").replaceAll("\\.\\*$", ".a")
                        .replaceAll("\\.>$", ".a").replaceAll("^[*>]$", "a");
                if (!NAME.matcher(plain).matches()) {
                    throw new IllegalArgumentException("topic pattern must be dot-separated tokens, '*' or a final "
                            + "'>', but was '" + pattern + "'");
                }
                patterns.add(pattern);
            }
            return add(name, patterns, Relayed.sink(sink));
        }

        /**
         * Sets the serializer of the stored events. Default: one made by the first
         * {@link org.busline.spi.SerializerProvider} found by {@link java.util.ServiceLoader} (bus-jackson's), with
         * the registry of {@link #types(TypeRegistry)}.
         *
         * @param serializer the serializer; not null
         * @return this builder
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Sets the logical types of the default serializer. Default: {@link TypeRegistry#empty()}, where a topic's
         * logical type is its name.
         *
         * @param types the registry; not null
         * @return this builder
         */
        public Builder types(TypeRegistry types) {
            this.types = Objects.requireNonNull(types, "types");
            return this;
        }

        /**
         * Sets the prefix of the outbox's tables: {@code <prefix>outbox}, {@code <prefix>inbox},
         * {@code <prefix>outbox_schema}. Default {@code busline_}.
         *
         * @param tablePrefix a letter, then letters, digits or {@code _}, at most 31 characters; not null
         * @return this builder
         * @throws IllegalArgumentException if it is malformed
         */
        public Builder tablePrefix(String tablePrefix) {
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (!PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException("tablePrefix must be a letter then letters, digits or '_', at "
                        + "most 31 characters, but was '" + tablePrefix + "'");
            }
            this.tablePrefix = tablePrefix;
            return this;
        }

        /**
         * Sets whether {@link #build()} creates the tables if they are missing and migrates an older schema. Default
         * true; with false, a missing or older schema fails the build.
         *
         * @param createSchema true to create and migrate
         * @return this builder
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * Sets this instance's name in the leases it takes (column {@code lease_owner}). Default: the bus's name, the
         * process id and a random suffix, unique per outbox.
         *
         * @param owner the name, at most 200 characters; not null
         * @return this builder
         * @throws IllegalArgumentException if it is empty or too long
         */
        public Builder owner(String owner) {
            Objects.requireNonNull(owner, "owner");
            if (owner.isEmpty() || owner.length() > 200) {
                throw new IllegalArgumentException("owner must have 1 to 200 characters, but was '" + owner + "'");
            }
            this.owner = owner;
            return this;
        }

        /**
         * Sets how many worker threads deliver claimed rows. Default 4.
         *
         * @param relayThreads 1 or more
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder relayThreads(int relayThreads) {
            this.relayThreads = positive("relayThreads", relayThreads);
            return this;
        }

        /**
         * Sets the most rows one claim takes. Default 100.
         *
         * @param batchSize 1 or more
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = positive("batchSize", batchSize);
            return this;
        }

        /**
         * Sets the most rows this relay holds claimed and not yet completed; it claims no more until some complete.
         * Default 1,000.
         *
         * @param maxInFlight 1 or more
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = positive("maxInFlight", maxInFlight);
            return this;
        }

        /**
         * Sets how long a claim holds its rows: after it, another relay may claim a row again (and deliver it a second
         * time, with the same id). Choose it longer than a delivery takes. The relay that claimed a row does not
         * claim it again until its own attempt has ended: a durable subscription's handler returned, or a sink's
         * stage completed or timed out ({@link #deliveryTimeout}); so one relay never runs two attempts of a row at
         * once, except after a sink's timeout, when the late stage may still run. Relays of one table need clocks
         * that agree well within it. Default 30 seconds.
         *
         * @param leaseDuration positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = positive("leaseDuration", leaseDuration);
            return this;
        }

        /**
         * Sets how long the relay waits for a delivery's acknowledgement before it fails the attempt. Default: the
         * lease duration.
         *
         * @param deliveryTimeout positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = positive("deliveryTimeout", deliveryTimeout);
            return this;
        }

        /**
         * Sets how often the relay looks for due rows when nothing woke it. Default 1 second.
         *
         * @param pollInterval positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive("pollInterval", pollInterval);
            return this;
        }

        /**
         * Sets the attempts and back-off of failed deliveries: a failed attempt {@code n} waits
         * {@link RetryPolicy#delay(int) delay(n)} before the row is due again, and the row is dead after
         * {@link RetryPolicy#maxAttempts()} attempts or a failure the policy does not retry. Default: 10 attempts,
         * back-off from 500 ms up to 5 minutes.
         *
         * @param retry the policy; not null
         * @return this builder
         */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Sets whether a dead row lets the later rows of its key and subscription through. Default false: a dead row
         * blocks its key (visibly, in {@link OutboxStats#dead()}) until it is resubmitted, so order is kept.
         *
         * @param skipDeadRows true to let the later rows through
         * @return this builder
         */
        public Builder skipDeadRows(boolean skipDeadRows) {
            this.skipDeadRows = skipDeadRows;
            return this;
        }

        /**
         * Sets how long completed rows are kept before the relay deletes them, in batches. Default 1 day.
         *
         * @param retention zero (delete at the next clean-up) or more
         * @return this builder
         * @throws IllegalArgumentException if it is negative
         */
        public Builder retention(Duration retention) {
            Objects.requireNonNull(retention, "retention");
            if (retention.isNegative()) {
                throw new IllegalArgumentException("retention must not be negative, but was " + retention);
            }
            this.retention = retention;
            return this;
        }

        /**
         * Sets the most completed rows one clean-up statement deletes. Default 1,000.
         *
         * @param cleanupBatchSize 1 or more
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder cleanupBatchSize(int cleanupBatchSize) {
            this.cleanupBatchSize = positive("cleanupBatchSize", cleanupBatchSize);
            return this;
        }

        /**
         * Sets the clock of leases, back-off and retention. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock; not null
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets whether this instance runs a relay. Default true; false makes an outbox that only publishes (another
         * process relays).
         *
         * @param relay true to relay
         * @return this builder
         */
        public Builder relay(boolean relay) {
            this.relay = relay;
            return this;
        }

        /**
         * Binds a transaction manager, for {@link Outbox#publish(Topic, Object, String)}.
         *
         * @param transactions the binding; not null
         * @return this builder
         */
        public Builder transactions(TransactionBinding transactions) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            return this;
        }

        /**
         * Sets how long {@link Outbox#close()} waits for deliveries in progress. Default 5 seconds.
         *
         * @param drainTimeout zero or more
         * @return this builder
         * @throws IllegalArgumentException if it is negative
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
         * Connects to the database, checks it (its product, H2's {@code WRITE_DELAY}, the tables and their schema
         * version, creating or migrating them if allowed), and starts the relay.
         *
         * @return the outbox, running
         * @throws IllegalStateException if the database cannot be reached, is not supported, is an H2 file database
         *                               without {@code WRITE_DELAY=0}, or lacks the tables (or has an older or newer
         *                               schema) that it may not create, or if no serializer was set and none is
         *                               found; the message says which and how to fix it
         */
        public Outbox build() {
            Serializer chosen = serializer != null ? serializer : OutboxConfig.loadSerializer(types);
            String lessee = owner != null ? owner : OutboxConfig.defaultOwner(bus.name());
            return OutboxConfig.start(new OutboxConfig(dataSource, bus, List.copyOf(sinks.values()), chosen,
                    tablePrefix, createSchema, lessee, relayThreads, batchSize, maxInFlight, leaseDuration,
                    deliveryTimeout != null ? deliveryTimeout : leaseDuration, pollInterval, retry, skipDeadRows,
                    retention, cleanupBatchSize, clock, relay, transactions, drainTimeout), types);
        }

        private Builder add(String name, List<String> patterns, Relayed relayed) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches() || name.length() > 200) {
                throw new IllegalArgumentException("name must be dot-separated tokens of letters, digits, '_', '-', "
                        + "'$' or ':', at most 200 characters, but was '" + name + "'");
            }
            if (sinks.containsKey(name)) {
                throw new IllegalArgumentException("name '" + name + "' is already used by " + sinks.get(name));
            }
            sinks.put(name, new SinkSpec(name, patterns, relayed));
            return this;
        }

        private static int positive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive, but was " + value);
            }
            return value;
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, but was " + value);
            }
            return value;
        }
    }
}
