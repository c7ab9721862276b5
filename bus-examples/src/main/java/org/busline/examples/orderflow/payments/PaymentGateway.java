package org.busline.examples.orderflow.payments;

import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for a remote payment provider that declines a known fraction of calls. Whether the n-th call for an
 * order fails depends only on the seed, the order id and n, so a run is repeatable whatever the threads do.
 */
public final class PaymentGateway {
    private final double failureRate;
    private final long seed;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    public PaymentGateway(double failureRate, long seed) {
        if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
            throw new IllegalArgumentException("failureRate must be between 0 and 1, but was " + failureRate);
        }
        this.failureRate = failureRate;
        this.seed = seed;
    }

    /** Charges an order and returns the payment id, or throws if the gateway declines this call. */
    public String charge(String orderId, long amountCents) throws PaymentDeclinedException {
        int call = calls.merge(orderId, 1, Integer::sum);
        if (declines(orderId, call)) {
            throw new PaymentDeclinedException("gateway declined " + orderId + " (call " + call + ")");
        }
        return "pay-" + orderId + "-" + call;
    }

    /** Tells whether the {@code call}-th charge of an order (1 for the first) is declined. */
    public boolean declines(String orderId, int call) {
        return new SplittableRandom(seed * 31 + Objects.hash(orderId, call)).nextDouble() < failureRate;
    }
}
