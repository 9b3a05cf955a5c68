#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded first-in-first-out queue between one producer thread and one consumer thread.
///
/// `put` blocks while `capacity` items wait; `take` blocks while none does. `cancel()` wakes
/// both sides for good: `put` then drops its item and returns false, `take` returns nil once
/// the queue is empty. Memory: at most `capacity` items (a ring, never grown).
/// `@unchecked Sendable`: every access to its ring goes through its mutex and conditions.
public final class BoundedQueue<Element>: @unchecked Sendable {
    private var ring: [Element?]
    private var head = 0
    private var count = 0
    private var cancelled = false
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init(capacity: Int) {
        precondition(capacity > 0)
        ring = Array(repeating: nil, count: capacity)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Appends `item`, waiting for room. False (item dropped) once cancelled.
    @discardableResult
    public func put(_ item: Element) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == ring.count && !cancelled { pthread_cond_wait(notFull, mutex) }
        if cancelled { return false }
        ring[(head + count) % ring.count] = item
        count += 1
        pthread_cond_signal(notEmpty)
        return true
    }

    /// The oldest item, waiting for one; nil once cancelled and empty.
    public func take() -> Element? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == 0 && !cancelled { pthread_cond_wait(notEmpty, mutex) }
        if count == 0 { return nil }
        let item = ring[head].take()
        head = (head + 1) % ring.count
        count -= 1
        pthread_cond_signal(notFull)
        return item
    }

    /// True once `cancel()` was called (from any thread).
    public var isCancelled: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return cancelled
    }

    /// Wakes every waiter for good; later `put`s are dropped.
    public func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(notEmpty)
        pthread_cond_broadcast(notFull)
        pthread_mutex_unlock(mutex)
    }
}
