/**
 * The optstore engine. The API is {@link org.optstore.core.DataStores} (open a store, or share one
 * per base path) and {@link org.optstore.core.StoreConfig}; everything a store does is described
 * by {@link org.optstore.DataStore}. The subpackages are internal.
 */
package org.optstore.core;
