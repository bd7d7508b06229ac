package org.sparkbnn.ml;

/**
 * Hands a uid to a Java stage before its superclass constructor runs. Spark's Scala param traits create their
 * Params (which capture {@code uid()}) during the superclass constructor, before a Java subclass can assign
 * its fields; the stage's {@code uid()} reads the pending value on that first call. The pattern:
 * {@code public S(String uid) { this(PendingUid.set(uid)); }}, {@code private S(PendingUid p) { uid(); }} (claims
 * the uid even where Spark's constructor did not ask for it), {@code uid() { return uid = PendingUid.claim(uid); }},
 * and no initialiser on the uid field (it would run after Spark's constructor and erase the uid).
 */
final class PendingUid {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

  private PendingUid() {}

  /** Marks {@code uid} as the uid of the stage being constructed on this thread. */
  static PendingUid set(String uid) {
    PENDING.set(uid);
    return null;
  }

  /**
   * A stage's {@code uid()}: its uid once known ({@code current}), else the pending one (consumed); fails if a
   * stage is constructed without one.
   */
  static String claim(String current) {
    if (current != null) return current;
    String uid = PENDING.get();
    if (uid == null) throw new IllegalStateException("stage constructed without a uid");
    PENDING.remove();
    return uid;
  }
}
