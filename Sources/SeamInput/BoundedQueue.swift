#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded first-in-first-out queue between threads: the one queue of the project (check's
/// decode and inflate workers, watch's readers and correlator).
///
/// `put` blocks while `capacity` items wait; `take` blocks while none does. `cancel()` wakes
/// both sides for good: `put` then drops its item and returns false, `take` returns nil once
/// the queue is empty. Memory: at most `capacity` items (a ring, never grown).
///
/// With `countsParticipants` it also knows who still sends (`BoundedQueue+Participants.swift`):
/// senders `register` and leave with an item put `leaving` (or `leave()`); `take` then returns
/// nil once all have left and every item was taken (the end of input). `drain(limit:)` makes
/// `take` end sooner: once every participant still there is parked (waiting on a quiet pipe,
/// holding nothing), or, at the latest, when the limit passes (the queue is then cancelled).
/// `take(waitingAtMost:timedOut:)` waits for an item a bounded time.
///
/// `@unchecked Sendable`: every access to its state goes through its mutex and conditions.
@_spi(SeamStages) public final class BoundedQueue<Element>: @unchecked Sendable {
    private var ring: [Element?]
    /// `leaving[i]`: the item in slot `i` was its participant's last.
    private var leaving: [Bool]
    private var head = 0
    private var count = 0
    var cancelled = false
    let countsParticipants: Bool
    /// Participants registered, and those that left (by `leave()` or a leaving item taken).
    var participants = 0
    var left = 0
    /// Participants waiting for input and holding nothing (`park`).
    var parked: Set<Int> = []
    var draining = false
    /// When a drain gives up on the participants still there (monotonic ns).
    var drainDeadline: UInt64 = .max
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled for a taker: an item came, or an end condition may have changed.
    let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    @_spi(SeamStages) public convenience init(capacity: Int) {
        self.init(capacity: capacity, countsParticipants: false)
    }

    /// `countsParticipants`: `take` ends when the registered participants have left (see the
    /// type's notes) rather than only on `cancel()`.
    package init(capacity: Int, countsParticipants: Bool) {
        precondition(capacity > 0)
        ring = Array(repeating: nil, count: capacity)
        leaving = Array(repeating: false, count: capacity)
        self.countsParticipants = countsParticipants
        pthread_mutex_init(mutex, nil)
        // Timed waits measure against the monotonic clock where it can be chosen (Linux): a
        // wall-clock step must not cut a wait short or stretch it.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(notEmpty, &attributes)
        pthread_cond_init(notFull, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Appends `item`, waiting for room. False (item dropped) once cancelled. `leaving`: the
    /// participant putting it leaves once it is taken.
    @discardableResult
    @_spi(SeamStages) public func put(_ item: Element, leaving last: Bool = false) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == ring.count && !cancelled { pthread_cond_wait(notFull, mutex) }
        if cancelled { return false }
        let slot = (head + count) % ring.count
        ring[slot] = item
        leaving[slot] = last
        count += 1
        pthread_cond_signal(notEmpty)
        return true
    }

    /// The oldest item, waiting for one; nil once cancelled and empty (and, counting
    /// participants, at the end of input or of a drain).
    @_spi(SeamStages) public func take() -> Element? {
        var timedOut = false
        return take(waitingAtMost: nil, timedOut: &timedOut)
    }

    /// As `take`, but waits at most `limit` seconds for an item when not draining (nil: no
    /// limit); then returns nil with `timedOut` set. A nil for any other reason leaves it false.
    package func take(waitingAtMost limit: Double?, timedOut: inout Bool) -> Element? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        timedOut = false
        let until = limit.map { Self.now() &+ UInt64(max(0, $0) * 1e9) }
        while count == 0 {
            if cancelled { return nil }
            if countsParticipants {
                if left >= participants { return nil }
                if draining {
                    if left + parked.count >= participants { return nil }
                    if !wait(notEmpty, until: drainDeadline) && count == 0 {
                        cancelLocked()
                        return nil
                    }
                    continue
                }
            }
            if let until {
                if !wait(notEmpty, until: until) && count == 0 && !cancelled && !draining {
                    if countsParticipants && left >= participants { continue }
                    timedOut = true
                    return nil
                }
            } else {
                pthread_cond_wait(notEmpty, mutex)
            }
        }
        let item = ring[head].take()
        if leaving[head] { left += 1 }
        head = (head + 1) % ring.count
        count -= 1
        pthread_cond_signal(notFull)
        return item
    }

    /// True once `cancel()` was called (from any thread), or a drain's limit passed.
    @_spi(SeamStages) public var isCancelled: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return cancelled
    }

    /// Wakes every waiter for good; later `put`s are dropped.
    @_spi(SeamStages) public func cancel() {
        pthread_mutex_lock(mutex)
        cancelLocked()
        pthread_mutex_unlock(mutex)
    }

    /// `cancel()` with the mutex held.
    func cancelLocked() {
        cancelled = true
        pthread_cond_broadcast(notEmpty)
        pthread_cond_broadcast(notFull)
    }

    /// Waits on `condition` (mutex held) until signalled or `deadline` (monotonic ns, `.max`:
    /// none); false once the deadline has passed. May wake spuriously: callers loop.
    func wait(_ condition: UnsafeMutablePointer<pthread_cond_t>, until deadline: UInt64) -> Bool {
        if deadline == .max {
            pthread_cond_wait(condition, mutex)
            return true
        }
        let now = Self.now()
        if now >= deadline { return false }
        #if canImport(Glibc)
        var at = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(condition, mutex, &at)
        #else
        let rest = deadline - now
        var after = timespec(tv_sec: Int(rest / 1_000_000_000), tv_nsec: Int(rest % 1_000_000_000))
        pthread_cond_timedwait_relative_np(condition, mutex, &after)
        #endif
        return Self.now() < deadline
    }

    /// The monotonic clock in ns (the clock the conditions wait against).
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
