package org.busline.tests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.spi.SerializationException;
import org.busline.spi.Serializer;

/**
 * A minimal serializer of {@link Basket} payloads for the SPI tests of bus-core, which has no JSON library. An item
 * named {@code "poison"} cannot be encoded.
 */
class BasketSerializer implements Serializer {
    final AtomicInteger copies = new AtomicInteger();

    @Override
    public String contentType() {
        return "application/x-basket";
    }

    @Override
    public byte[] encode(Envelope<?> envelope) {
        Basket basket = (Basket) envelope.payload();
        if (basket.items.contains("poison")) {
            throw SerializationException.encoding(envelope.topic().name(), envelope.topic().name(), 1,
                    "poison cannot travel", null);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(envelope.id());
            out.writeUTF(envelope.topic().name());
            out.writeLong(envelope.timestamp() == null ? Long.MIN_VALUE : envelope.timestamp().toEpochMilli());
            out.writeUTF(envelope.correlationId());
            out.writeUTF(envelope.causationId() == null ? "" : envelope.causationId());
            out.writeInt(envelope.headers().size());
            for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
                out.writeUTF(header.getKey());
                out.writeUTF(header.getValue());
            }
            out.writeInt(basket.items.size());
            for (String item : basket.items) {
                out.writeUTF(item);
            }
        } catch (IOException e) {
            throw SerializationException.encoding(envelope.topic().name(), null, 0, e.toString(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Envelope<?> decode(byte[] bytes) {
        throw SerializationException.decoding(null, null, 0, "needs the topic", null);
    }

    @Override
    public <T> Envelope<T> decode(byte[] bytes, Topic<T> topic) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String id = in.readUTF();
            if (!in.readUTF().equals(topic.name())) {
                throw SerializationException.decoding(topic.name(), null, 0, "wrong topic", null);
            }
            long time = in.readLong();
            String correlationId = in.readUTF();
            String causationId = in.readUTF();
            Map<String, String> headers = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                headers.put(in.readUTF(), in.readUTF());
            }
            List<String> items = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                items.add(in.readUTF());
            }
            copies.incrementAndGet();
            return Envelope.restore(id, topic, topic.cast(new Basket(items)),
                    time == Long.MIN_VALUE ? null : Instant.ofEpochMilli(time), correlationId,
                    causationId.isEmpty() ? null : causationId, headers);
        } catch (IOException e) {
            throw SerializationException.decoding(topic.name(), null, 0, e.toString(), e);
        }
    }
}
