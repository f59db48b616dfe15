/**
 * The format SPI: implement {@link org.optstore.spi.StorageFormat} and list it in {@code
 * META-INF/services/org.optstore.spi.StorageFormat} to add a storage format. Run the contract
 * suite of {@code store-testkit} against it.
 */
package org.optstore.spi;
