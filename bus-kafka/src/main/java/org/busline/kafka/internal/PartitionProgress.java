package org.busline.kafka.internal;

import java.util.ArrayDeque;
import org.apache.kafka.common.TopicPartition;

/**
 * Which records of one partition are finished, and the offset up to which all of them are: the contiguous prefix
 * that may be committed.
 *
 * <p>Design note: the poll thread tracks each record as it dispatches it, in offset order, as a {@link Slot} at the
 * tail of a queue; any thread marks a slot done when the record's local deliveries have ended. The poll thread
 * advances over the done slots at the head: the offset after the last one is committable. A slot that is done while
 * one before it is not stays in the queue, so the queue's length, the records held beyond the committable offset, is
 * what the poll thread bounds by pausing the partition. Only the poll thread touches the queue and the offsets (the
 * consumer's commit callbacks run on it too); the other threads only set a slot's volatile flag, so lanes finishing
 * records of one partition never wait for each other or for the poll thread.
 */
final class PartitionProgress {
    final TopicPartition partition;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private long committable = -1;
    private long requested = -1;
    private volatile boolean revoked;

    PartitionProgress(TopicPartition partition) {
        this.partition = partition;
    }

    /** One record's place in its partition. */
    static final class Slot {
        final long offset;
        private volatile boolean done;

        Slot(long offset) {
            this.offset = offset;
        }
    }

    Slot track(long offset) {
        Slot slot = new Slot(offset);
        slots.addLast(slot);
        return slot;
    }

    /** Marks a record finished; any thread. */
    void done(Slot slot) {
        slot.done = true;
    }

    /** Returns the records held beyond the committable offset, the measure of flow control. */
    int held() {
        return slots.size();
    }

    boolean allDone() {
        for (Slot slot : slots) {
            if (!slot.done) {
                return false;
            }
        }
        return true;
    }

    /** Advances over the done slots at the head, so that they no longer count as held. */
    void advance() {
        while (!slots.isEmpty() && slots.peekFirst().done) {
            committable = slots.pollFirst().offset + 1;
        }
    }

    /** Advances and returns the offset to commit, or -1 if it did not move since it was last requested. */
    long toCommit() {
        advance();
        return committable > requested ? committable : -1;
    }

    void requested(long offset) {
        requested = Math.max(requested, offset);
    }

    /** An asynchronous commit failed: ask again next time. */
    void commitFailed(long offset) {
        if (requested == offset) {
            requested = -1;
        }
    }

    void revoke() {
        revoked = true;
    }

    boolean isRevoked() {
        return revoked;
    }
}
