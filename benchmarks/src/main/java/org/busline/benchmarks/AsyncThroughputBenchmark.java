package org.busline.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * One producer thread publishes to one asynchronous subscriber on another thread; throughput in messages per
 * second, measured until the subscriber has handled them all.
 *
 * <p>One JMH operation is a batch of {@value AsyncBenchmarkBase#BATCH} messages followed by a wait until all were
 * handled, declared with {@code @OperationsPerInvocation}, so the score is messages per second. Two threads are busy:
 * the producer (JMH's thread) and the library's consumer thread. The set-up of each library and why it is a fair
 * one are on {@link AsyncBenchmarkBase}. {@code direct} has no method here: {@code abq}, the JDK hand-off, is the
 * floor without a bus.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(AsyncBenchmarkBase.BATCH)
@Threads(1)
public class AsyncThroughputBenchmark extends AsyncBenchmarkBase {
}
