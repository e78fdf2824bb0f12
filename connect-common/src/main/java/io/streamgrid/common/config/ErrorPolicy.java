package io.streamgrid.common.config;

/** What a connector does when writing fails. */
public enum ErrorPolicy {
    /** Fail the task; the worker stops it and nothing after the failing record is committed. */
    THROW,
    /** Retry the batch after the retry interval, up to the retry limit, then fail the task. */
    RETRY,
    /** Log the failure, count it and go on: the failed records are dropped, because the user chose so. */
    NOOP
}
