package org.busline.examples.orderflow.payments;

/** The gateway declined a charge; worth another try. */
public final class PaymentDeclinedException extends Exception {
    private static final long serialVersionUID = 1L;

    public PaymentDeclinedException(String message) {
        super(message);
    }
}
