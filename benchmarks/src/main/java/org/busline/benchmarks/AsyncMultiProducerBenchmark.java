package org.busline.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Two producer threads publish to one asynchronous subscriber on a third thread; throughput in messages per second
 * (both producers together), measured until the subscriber has handled them all.
 *
 * <p>One JMH operation is a batch of {@value AsyncBenchmarkBase#BATCH} messages from one producer followed by a wait
 * until the subscriber has handled all of that producer's messages; JMH sums the two producers' rates. Three threads
 * are busy on a machine that may have only two cores, so producers and consumer take turns: the absolute figures
 * say more about the scheduler than about the libraries, and only the ratios within one run mean much. The
 * Disruptor uses {@code ProducerType.MULTI} here. Set-ups: {@link AsyncBenchmarkBase}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(AsyncBenchmarkBase.BATCH)
@Threads(2)
public class AsyncMultiProducerBenchmark extends AsyncBenchmarkBase {
}
