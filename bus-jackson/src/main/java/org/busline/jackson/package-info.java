/**
 * A JSON {@link org.busline.spi.Serializer} for Busline envelopes, built on jackson-databind:
 * {@link org.busline.jackson.JacksonSerializer}, the entry point.
 *
 * <h2>The JSON shape</h2>
 * <p>One JSON object per envelope, with attribute names close to CloudEvents' where they fit, so that consumers in
 * any language can read it:
 * <pre>{@code
 * {
 *   "id": "0194c1d2-7f3a-7b21-9c55-3d1e2f4a5b6c",
 *   "source": "orders.placed",
 *   "type": "shop.order-placed",
 *   "version": 2,
 *   "time": "2026-01-02T03:04:05.678Z",
 *   "correlationId": "0194c1d2-7f3a-7b21-9c55-3d1e2f4a5b6c",
 *   "causationId": "0194c1d2-6e29-7a10-8b44-2c0d1e3f4a5b",
 *   "headers": { "tenant": "acme" },
 *   "data": { "orderId": "o-1", "total": 12.5 }
 * }
 * }</pre>
 * <table>
 *   <caption>Attributes</caption>
 *   <tr><th>attribute</th><th>meaning</th><th>required</th></tr>
 *   <tr><td>{@code id}</td><td>the message id, a non-empty string</td><td>yes</td></tr>
 *   <tr><td>{@code source}</td><td>the topic's name</td><td>yes</td></tr>
 *   <tr><td>{@code type}</td><td>the payload's logical type name from the
 *       {@link org.busline.spi.TypeRegistry}; never a Java class name that is looked up</td><td>yes</td></tr>
 *   <tr><td>{@code version}</td><td>the schema version of {@code data}, an integer of 1 or more</td><td>yes</td></tr>
 *   <tr><td>{@code time}</td><td>when it was published, RFC 3339; absent if it was not published yet</td>
 *       <td>no</td></tr>
 *   <tr><td>{@code correlationId}</td><td>the id shared by one flow of messages; absent means the message's own
 *       id</td><td>no</td></tr>
 *   <tr><td>{@code causationId}</td><td>the id of the message whose handler published this one</td><td>no</td></tr>
 *   <tr><td>{@code headers}</td><td>an object of string values; absent when empty</td><td>no</td></tr>
 *   <tr><td>{@code data}</td><td>the payload, as Jackson writes its Java type; not null</td><td>yes</td></tr>
 * </table>
 * <p>The encoder writes the attributes in this order. The decoder accepts them in any order and ignores unknown
 * attributes; when {@code source}, {@code type} and {@code version} come before {@code data} (as the encoder writes
 * them) and the version is current, the payload is bound in the same streaming pass. Duplicate attributes, trailing
 * content and duplicate keys anywhere are errors.
 *
 * <h2>Failures</h2>
 * <p>Every failure is a {@link org.busline.spi.SerializationException} whose message names the topic, the logical
 * type, the version (as far as they were read) and what was wrong: malformed JSON at a line and column, an unknown
 * logical type, a missing or mistyped attribute or field (with its path, such as {@code data.items[2].sku}), an
 * exceeded limit, a failed upcaster.
 */
package org.busline.jackson;
