package org.busline.outbox.internal;

import java.util.concurrent.atomic.LongAdder;

/** What this relay counted since it started; written by the completer, read by {@code stats()}. */
final class Counters {
    final LongAdder delivered = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder fenced = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
}
