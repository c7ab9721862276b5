package org.busline.internal;

import java.util.function.Predicate;
import org.busline.DeadLetter;
import org.busline.MessageHandler;

/**
 * The handler of a subscription to some dead letters only ({@code MessageBus.subscribeDeadLetters}): it passes on
 * those its selection accepts. The {@link DeadLetterOffice} reads the selection too, so that a module's subscription
 * to its own dead letters does not count as handling everybody's failures, which would keep them out of the log.
 *
 * <p>Public only for {@code MessageBus}'s default methods; this package is not exported. Immutable; thread-safe if
 * its handler is.
 */
public final class DeadLetterFilter implements MessageHandler<DeadLetter> {
    private final Predicate<DeadLetter> selection;
    private final MessageHandler<? super DeadLetter> handler;

    /**
     * Makes the filter.
     *
     * @param selection which dead letters the handler receives
     * @param handler   the handler
     */
    public DeadLetterFilter(Predicate<DeadLetter> selection, MessageHandler<? super DeadLetter> handler) {
        this.selection = selection;
        this.handler = handler;
    }

    @Override
    public void onMessage(DeadLetter letter) throws Exception {
        if (selection.test(letter)) {
            handler.onMessage(letter);
        }
    }

    /** True if a subscription with this handler receives the dead letter: it is no filter, or one that selects it. */
    static boolean receives(Object handler, DeadLetter letter) {
        return !(handler instanceof DeadLetterFilter filter) || filter.selection.test(letter);
    }
}
