/**
 * Internal to store-core: the catalog: versioned manifests, the commit protocol, name encoding, pruning and sweeping. Types here are public only so that the engine's other packages
 * can use them; they are not API and may change in any release. Use {@link
 * org.optstore.core.DataStores} and {@link org.optstore.core.StoreConfig}.
 */
package org.optstore.core.catalog;
