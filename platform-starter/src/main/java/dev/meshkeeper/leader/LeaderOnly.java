package dev.meshkeeper.leader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated bean method (typically {@code @Scheduled}) only while this instance is the leader of the
 * group ({@link ClusterLeadership#isLeader(String)}); elsewhere the call is skipped at once (never queued), with a
 * debug log and the {@code meshkeeper.leader.skipped} counter, and returns {@code null}. The first call joins the
 * group if {@code meshkeeper.leader.groups} did not. Applied by a Spring AOP advisor (proxy-based).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {

    /** The leader group, a single znode name (no {@code /}). */
    String value();
}
