package org.busline.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.busline.DeliveryException;
import org.busline.Envelope;
import org.busline.MailboxFullException;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.kafka.InboundStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way in: one consumer of one topic in one group, its poll thread, and the lanes that publish its records on the
 * local bus.
 *
 * <p>Design note, by thread:
 * <ul>
 *   <li><b>The poll thread</b> owns the {@link KafkaConsumer} (which is not thread-safe) and everything that touches
 *   it: it polls, tracks each record in its partition's {@link PartitionProgress}, hands it to the lane of its key,
 *   commits the contiguous prefix of finished offsets (asynchronously every {@link #COMMIT_INTERVAL}, synchronously
 *   on revocation and close), and pauses a partition that holds {@code maxInFlight} records beyond its committable
 *   offset, resuming it at half. It never waits for the bus, so it keeps polling (and stays in its group) while
 *   partitions are paused.</li>
 *   <li><b>Lanes</b>: single-threaded executors; a record goes to lane {@code hash(key) mod lanes} (keyless records
 *   by partition), so one key's records are decoded and published in offset order while other keys run in parallel.
 *   A poll's records reach each lane as one task, so a lane's thread wakes once per poll, not once per record.
 *   A lane publishes the restored envelope (its id, correlation and causation ids kept); synchronous subscribers run
 *   on it, asynchronous ones get it in their mailbox, and a mailbox that refuses it (full) is tried again with
 *   back-off: the partition fills up and pauses meanwhile, nothing is dropped.</li>
 *   <li><b>Completion</b>: whichever thread settles {@link org.busline.PublishResult#completion()} marks the record
 *   done (the lane itself, at once and without a callback, when every subscriber was synchronous and succeeded), or,
 *   if a delivery ended as a dead letter, hands it to the {@link DeadLetterWriter}, which marks it done once the
 *   broker acknowledged the dead letter.</li>
 * </ul>
 * Undecodable records go to the dead-letter topic from their lane at once, so they never block a partition.
 *
 * @param <T> the local topic's type
 */
public final class InboundConsumer<T> {
    /**
     * What a lane does with a decoded record: publish it on the bus, or (for a responder route) ask the local
     * responder and send the reply. Runs on the lane thread.
     *
     * @param <T> the topic's type
     */
    @FunctionalInterface
    public interface LocalStep<T> {
        /**
         * Starts the local handling of one record.
         *
         * @param envelope the restored envelope
         * @param record   the record it came from
         * @return a stage that completes when the record is finished: normally to commit it, exceptionally to
         *         dead-letter it
         * @throws MailboxFullException if the bus refused it for now; the lane tries again with back-off
         */
        CompletionStage<?> start(Envelope<T> envelope, ConsumerRecord<byte[], byte[]> record);
    }

    private static final Logger log = LoggerFactory.getLogger(InboundConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** While a partition is paused, the poll thread looks again soon, to resume it as soon as there is room. */
    private static final Duration POLL_WHILE_PAUSED = Duration.ofMillis(5);
    private static final long COMMIT_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);

    private final MessageBus bus;
    private final Topic<T> topic;
    private final String kafkaTopic;
    private final String group;
    private final int maxInFlight;
    private final Duration closeTimeout;
    private final CloudEventsCodec codec;
    private final LocalStep<T> step;
    private final Consumer<byte[], byte[]> consumer;
    private final DeadLetterWriter deadLetters;
    private final ExecutorService[] lanes;
    private final Thread pollThread;

    /** Poll thread only. */
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private long lastCommit;

    private volatile boolean running = true;
    private volatile boolean stopping;
    /** Records published (or being dead-lettered) and not settled yet. */
    private final AtomicInteger pending = new AtomicInteger();

    private final AtomicLong received = new AtomicLong();
    /** Added to by every lane for every record: an adder, so lanes do not contend for one counter. */
    private final LongAdder handled = new LongAdder();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicInteger maxHeld = new AtomicInteger();

    /**
     * Makes the consumer; {@link #start()} starts polling.
     *
     * @param bus              the local bus
     * @param topic            the local topic
     * @param kafkaTopic       the Kafka topic
     * @param group            the consumer group
     * @param lanes            the number of lanes
     * @param maxInFlight      the most records held per partition before it is paused
     * @param deadLetterTopic  the dead-letter topic
     * @param consumerSettings the consumer's settings
     * @param producer         the shared producer, for dead letters
     * @param timer            the timer of dead-letter retries
     * @param codec            the codec
     * @param closeTimeout     how long close waits for deliveries in flight
     * @param step             what a lane does with a decoded record
     * @param echoes           whether the same bridge reads and writes {@code kafkaTopic}, so that the records
     *                         must be marked lest they go out again ({@link Echo})
     */
    public InboundConsumer(MessageBus bus, Topic<T> topic, String kafkaTopic, String group, int lanes,
                           int maxInFlight, String deadLetterTopic, Map<String, Object> consumerSettings,
                           Producer<byte[], byte[]> producer, ScheduledExecutorService timer, CloudEventsCodec codec,
                           Duration closeTimeout, LocalStep<T> step, boolean echoes) {
        this.bus = bus;
        this.step = echoes ? Echo.guard(step, kafkaTopic) : step;
        this.topic = topic;
        this.kafkaTopic = kafkaTopic;
        this.group = group;
        this.maxInFlight = maxInFlight;
        this.closeTimeout = closeTimeout;
        this.codec = codec;
        this.consumer = new KafkaConsumer<>(consumerSettings);
        this.deadLetters = new DeadLetterWriter(producer, deadLetterTopic, group, timer, () -> stopping);
        this.lanes = new ExecutorService[lanes];
        String name = "busline-kafka-in-" + kafkaTopic + "-" + group;
        for (int i = 0; i < lanes; i++) {
            String laneName = name + "-lane-" + i;
            this.lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    task -> daemon(task, laneName));
        }
        this.pollThread = daemon(this::pollLoop, name);
    }

    /** Starts polling. */
    public void start() {
        pollThread.start();
    }

    /**
     * Stops polling, waits up to the close timeout for the local deliveries in flight, commits what is finished and
     * closes the consumer. Records not finished stay uncommitted and are read again by the group.
     */
    public void close() {
        running = false;
        if (pollThread.getState() == Thread.State.NEW) {
            // Never started (the bridge's start failed): nothing polled, nothing to commit.
            for (ExecutorService lane : lanes) {
                lane.shutdownNow();
            }
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return;
        }
        consumer.wakeup();
        try {
            pollThread.join(closeTimeout.toMillis() + 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns a snapshot of what this consumer did.
     *
     * @return the statistics
     */
    public InboundStats stats() {
        return new InboundStats(kafkaTopic, group, received.get(), handled.sum(), deadLettered.get(), pauses.get(),
                maxHeld.get(), commits.get());
    }

    // ------------------------------------------------------------------------------------------- poll thread

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(kafkaTopic), new Rebalance());
            while (running) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(paused.isEmpty() ? POLL
                            : POLL_WHILE_PAUSED);
                    dispatch(records);
                    commit(false);
                    flowControl();
                } catch (WakeupException wakeup) {
                    // close() woke the poll; the loop condition decides.
                } catch (RuntimeException failure) {
                    if (!running) {
                        break;
                    }
                    log.error("consumer of '{}' (group {}) failed to poll, trying again in 1 s: {}", kafkaTopic, group,
                            failure.toString(), failure);
                    sleep(1000);
                }
            }
        } catch (RuntimeException fatal) {
            log.error("consumer of '{}' (group {}) stopped: {}", kafkaTopic, group, fatal.toString(), fatal);
        } finally {
            shutdown();
        }
    }

    /** A record on its way to its lane, with its place in its partition. */
    private record Tracked(ConsumerRecord<byte[], byte[]> record, PartitionProgress partition,
                           PartitionProgress.Slot slot) {
    }

    /**
     * Tracks a poll's records in their partitions, in offset order, and hands them to their lanes as one task per
     * lane and poll: a lane's thread is woken once per poll instead of once per record.
     */
    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        received.addAndGet(records.count());
        List<List<Tracked>> batches = new ArrayList<>(Collections.nCopies(lanes.length, null));
        for (TopicPartition partition : records.partitions()) {
            PartitionProgress partitionProgress = progress.computeIfAbsent(partition, PartitionProgress::new);
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                PartitionProgress.Slot slot = partitionProgress.track(record.offset());
                byte[] key = record.key();
                int lane = Math.floorMod(key == null ? record.partition() : Arrays.hashCode(key), lanes.length);
                List<Tracked> batch = batches.get(lane);
                if (batch == null) {
                    batch = new ArrayList<>();
                    batches.set(lane, batch);
                }
                batch.add(new Tracked(record, partitionProgress, slot));
            }
            int held = partitionProgress.held();
            if (held > maxHeld.get()) {
                maxHeld.set(held);
            }
        }
        for (int lane = 0; lane < lanes.length; lane++) {
            List<Tracked> batch = batches.get(lane);
            if (batch != null) {
                lanes[lane].execute(() -> {
                    for (Tracked tracked : batch) {
                        deliver(tracked.record(), tracked.partition(), tracked.slot());
                    }
                });
            }
        }
    }

    private void flowControl() {
        for (PartitionProgress partitionProgress : progress.values()) {
            TopicPartition partition = partitionProgress.partition;
            partitionProgress.advance();
            int held = partitionProgress.held();
            if (!paused.contains(partition) && held >= maxInFlight) {
                consumer.pause(Set.of(partition));
                paused.add(partition);
                pauses.incrementAndGet();
                log.debug("paused {}: {} records in flight", partition, held);
            } else if (paused.contains(partition) && held <= maxInFlight / 2) {
                consumer.resume(Set.of(partition));
                paused.remove(partition);
                log.debug("resumed {}: {} records in flight", partition, held);
            }
        }
    }

    private void commit(boolean sync) {
        if (!sync && System.nanoTime() - lastCommit < COMMIT_INTERVAL) {
            return;
        }
        lastCommit = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionProgress partitionProgress : progress.values()) {
            long next = partitionProgress.toCommit();
            if (next >= 0) {
                offsets.put(partitionProgress.partition, new OffsetAndMetadata(next));
                partitionProgress.requested(next);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
                commits.incrementAndGet();
            } catch (RuntimeException failure) {
                log.warn("could not commit {} of group {}: {}; those records will be read again", offsets, group,
                        failure.toString());
            }
        } else {
            consumer.commitAsync(offsets, (done, failure) -> {
                if (failure == null) {
                    commits.incrementAndGet();
                } else {
                    log.warn("could not commit {} of group {}, trying again: {}", done, group, failure.toString());
                    done.forEach((partition, offset) -> {
                        PartitionProgress partitionProgress = progress.get(partition);
                        if (partitionProgress != null) {
                            partitionProgress.commitFailed(offset.offset());
                        }
                    });
                }
            });
        }
    }

    private void shutdown() {
        stopping = true;
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            sleep(5);
        }
        if (pending.get() > 0) {
            log.warn("consumer of '{}' (group {}) closed with {} local deliveries still in flight; they stay "
                    + "uncommitted and will be read again", kafkaTopic, group, pending.get());
        }
        try {
            commit(true);
        } finally {
            for (ExecutorService lane : lanes) {
                lane.shutdownNow();
            }
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException failure) {
                log.warn("consumer of '{}' (group {}) did not close cleanly: {}", kafkaTopic, group,
                        failure.toString());
            }
        }
    }

    /** Runs on the poll thread, inside poll() or close(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + Math.min(closeTimeout.toNanos(), TimeUnit.SECONDS.toNanos(10));
            for (TopicPartition partition : partitions) {
                PartitionProgress partitionProgress = progress.get(partition);
                while (!stopping && partitionProgress != null && !partitionProgress.allDone()
                        && System.nanoTime() < deadline) {
                    sleep(5);
                }
            }
            commit(true);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                progress.put(partition, new PartitionProgress(partition));
                paused.remove(partition);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                PartitionProgress gone = progress.remove(partition);
                if (gone != null) {
                    gone.revoke();
                }
                paused.remove(partition);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ lanes

    private void deliver(ConsumerRecord<byte[], byte[]> record, PartitionProgress partition,
                         PartitionProgress.Slot slot) {
        if (stopping || partition.isRevoked()) {
            return;
        }
        Envelope<T> envelope;
        try {
            envelope = codec.fromRecord(record, topic);
        } catch (RuntimeException undecodable) {
            deadLetter(record, "UNDECODABLE", undecodable, partition, slot);
            return;
        }
        long backoff = 1;
        while (true) {
            if (stopping || partition.isRevoked()) {
                return;
            }
            CompletionStage<?> result;
            try {
                result = step.start(envelope, record);
            } catch (MailboxFullException full) {
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, 200);
                continue;
            } catch (DeliveryException failed) {
                deadLetter(record, "FAILED", failed.getCause() != null ? failed.getCause() : failed, partition, slot);
                return;
            } catch (IllegalStateException closed) {
                if (bus.isClosed()) {
                    log.warn("bus closed before record {}-{}@{} was published; it stays uncommitted", record.topic(),
                            record.partition(), record.offset());
                    return;
                }
                deadLetter(record, "FAILED", closed, partition, slot);
                return;
            } catch (RuntimeException failed) {
                deadLetter(record, "FAILED", failed, partition, slot);
                return;
            }
            if (result instanceof CompletableFuture<?> future && future.isDone()
                    && !future.isCompletedExceptionally()) {
                handled(partition, slot);   // synchronous subscribers only: no callback to register
                return;
            }
            pending.incrementAndGet();
            result.whenComplete((ignored, failure) -> {
                if (failure == null) {
                    handled(partition, slot);
                } else if (bus.isClosed()) {
                    // Most likely dropped as BUS_CLOSED from a mailbox: no poison, so it stays uncommitted and the
                    // group reads it again, as a record the closed bus never took.
                    log.warn("bus closed before record {}-{}@{} was handled ({}); it stays uncommitted",
                            record.topic(), record.partition(), record.offset(), failure.toString());
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof DeliveryException && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    deadLetter(record, "FAILED", cause, partition, slot);
                }
                pending.decrementAndGet();
            });
            return;
        }
    }

    private void handled(PartitionProgress partition, PartitionProgress.Slot slot) {
        partition.done(slot);
        handled.increment();
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error,
                            PartitionProgress partition, PartitionProgress.Slot slot) {
        pending.incrementAndGet();
        deadLetters.write(record, reason, error, () -> {
            partition.done(slot);
            deadLettered.incrementAndGet();
            pending.decrementAndGet();
        }, pending::decrementAndGet);
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
