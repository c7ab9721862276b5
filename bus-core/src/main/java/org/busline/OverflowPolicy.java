package org.busline;

/**
 * What a publish does when an asynchronous subscription's bounded mailbox is full.
 *
 * <p>Every message that is not delivered is reported: a dropped one to the bus's dropped-message handler
 * ({@link MessageBus.Builder#onDropped}), a refused publish by an exception. Policies that may refuse
 * ({@link #BLOCK}, {@link #FAIL}) reserve room in every such mailbox before delivering to anyone, so a refused
 * publish reaches no subscriber at all rather than some of them.
 */
public enum OverflowPolicy {
    /**
     * The publisher waits for room, up to {@link Delivery#blockTimeout(java.time.Duration)}; then the publish
     * fails with {@link MailboxFullException} and reaches no subscriber. The default.
     */
    BLOCK,
    /** The publish fails at once with {@link MailboxFullException} and reaches no subscriber. */
    FAIL,
    /** The oldest message waiting in the mailbox is dropped and reported, to make room for the new one. */
    DROP_OLDEST,
    /** The new message is dropped for this subscription and reported; other subscribers still receive it. */
    DROP_NEWEST
}
