/**
 * The optstore API: {@link org.optstore.DataStore} and the values it takes and returns ({@link
 * org.optstore.Frame} and its columns, {@link org.optstore.Schema}, {@link org.optstore.Query},
 * {@link org.optstore.TimeRange}, {@link org.optstore.Predicates}), and the exception hierarchy
 * rooted at {@link org.optstore.DataStoreException}. Times are epoch microseconds, UTC.
 */
package org.optstore;
