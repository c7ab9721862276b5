package org.busline;

import java.util.List;
import java.util.Objects;

/**
 * What a scatter-gather request ({@link MessageBus#requestAll(Topic, Object, Class, Gather)}) gathered: the replies
 * that came in time, in the order they came, the responders that failed, and those that did not answer in time (or
 * were no longer waited for once the gathering completed early). Each responder of the topic is in exactly one of
 * the three lists. A {@link FanOutResponder} (a bridge to other services) counts each responder it answered for,
 * under that responder's name, and each one it {@linkplain FanOutResponder.Replies#expect expected} and did not hear
 * from as unanswered; if it named nobody, it is listed under its own name (unanswered, or failed).
 *
 * @param replies    the replies, each with its responder's name; unmodifiable
 * @param failures   the failures, each with its responder's name and cause; unmodifiable
 * @param unanswered the names of the responders that gave no reply or failure in time; unmodifiable
 * @param <R>        the type of the replies
 */
public record Gathered<R>(List<Reply<R>> replies, List<Failure> failures, List<String> unanswered) {

    /**
     * One responder's reply.
     *
     * @param responder the responder's name; not null
     * @param value     its reply; null only for a reply type of {@link Void}
     * @param <R>       the type of the reply
     */
    public record Reply<R>(String responder, R value) {
        /**
         * Checks the responder.
         *
         * @param responder not null
         * @param value     the reply
         */
        public Reply {
            Objects.requireNonNull(responder, "responder");
        }
    }

    /**
     * One responder's failure.
     *
     * @param responder the responder's name; not null
     * @param cause     what its handler threw, or the {@link RequestException} that stands for a rejection or a
     *                  bad reply; not null
     */
    public record Failure(String responder, Throwable cause) {
        /**
         * Checks the components.
         *
         * @param responder not null
         * @param cause     not null
         */
        public Failure {
            Objects.requireNonNull(responder, "responder");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * Copies the lists.
     *
     * @param replies    not null
     * @param failures   not null
     * @param unanswered not null
     */
    public Gathered {
        replies = List.copyOf(replies);
        failures = List.copyOf(failures);
        unanswered = List.copyOf(unanswered);
    }

    /**
     * Returns the reply values alone, in the order they came.
     *
     * @return the values; unmodifiable
     */
    public List<R> values() {
        return replies.stream().map(Reply::value).toList();
    }
}
