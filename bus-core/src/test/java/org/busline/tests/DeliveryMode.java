package org.busline.tests;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.busline.Delivery;

/** The dispatch modes the contract tests run against. */
enum DeliveryMode {
    SYNC, ASYNC_ORDERED, ASYNC_CONCURRENT;

    Delivery delivery(ExecutorService executor) {
        switch (this) {
            case SYNC:
                return Delivery.sync();
            case ASYNC_ORDERED:
                return Delivery.async(executor);
            default:
                return Delivery.async(executor).concurrency(4);
        }
    }

    static ExecutorService newExecutor() {
        return Executors.newFixedThreadPool(4);
    }
}
