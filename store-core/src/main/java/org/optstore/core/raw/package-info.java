/**
 * Internal to store-core: the raw Avro copy of each version and the rebuild from it. Types here
 * are public only so that the engine's other packages can use them; they are not API and may
 * change in any release. Use {@link org.optstore.core.DataStores} and {@link
 * org.optstore.core.StoreConfig}.
 */
package org.optstore.core.raw;
