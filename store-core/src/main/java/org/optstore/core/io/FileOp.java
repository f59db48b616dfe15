package org.optstore.core.io;

/** A file system step of the commit protocol, as reported to an {@link IoInterceptor}. */
public enum FileOp {
  /** A file in {@code tmp/} is created for writing. */
  CREATE,
  /** A written file's contents are forced to disk. */
  FORCE,
  /** A file is renamed into place (atomic on the same file system). */
  MOVE,
  /** A directory is forced to disk so that a rename or creation in it is durable. */
  FORCE_DIRECTORY,
  /** A file or directory is removed. */
  DELETE
}
