package org.busline.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An atomic counter alone on its cache line (as JCTools pads its indexes), for counters that one thread writes and
 * another reads on every message: without the padding, the neighbours allocated next to it would share its line, and
 * every write would cost the reader a cache miss.
 */
@SuppressWarnings({"serial", "unused"})
final class PaddedCounter extends AtomicInteger {
    private long p1;
    private long p2;
    private long p3;
    private long p4;
    private long p5;
    private long p6;
    private long p7;
}
