package org.optstore.core.raw;

/**
 * A finished raw copy.
 *
 * @param size its bytes
 * @param crc32c the CRC32C of the whole file, 8 hex digits
 */
public record RawCopyFile(long size, String crc32c) {}
