#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who still sends, and the drain of a stop, for a queue made with `countsParticipants`
/// (watch's readers and folder scanner; the type's notes say how `take` ends).
extension BoundedQueue {
    /// One more sender; `take` waits for it to leave.
    package func register() {
        precondition(countsParticipants, "register on a queue that does not count participants")
        pthread_mutex_lock(mutex)
        participants += 1
        pthread_mutex_unlock(mutex)
    }

    /// A sender leaves without a last item.
    package func leave() {
        pthread_mutex_lock(mutex)
        left += 1
        pthread_cond_broadcast(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    /// Participant `id` is about to wait for input holding nothing (`on`), or is back. A
    /// draining `take` does not wait for a parked participant. Wakes the taker only while
    /// draining (the only time it counts the parked), so a busy sender pays one uncontended
    /// lock per step, no wake-up. False (and not parked) once cancelled: the run is over, the
    /// participant must not start a wait that nobody will end.
    @discardableResult
    package func park(_ id: Int, _ on: Bool) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if on {
            if cancelled { return false }
            parked.insert(id)
        } else {
            parked.remove(id)
        }
        if draining { pthread_cond_broadcast(notEmpty) }
        return true
    }

    /// True while participant `id` is parked. After `cancel()` no participant parks anew, so the
    /// answer then is final for a parked one: it may wait on its input for good.
    package func isParked(_ id: Int) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return parked.contains(id)
    }

    /// Participants hand over what they hold and leave; `take` ends once they have, or once
    /// every one still there is parked, or after `limit` seconds (then cancelling the queue).
    /// The first call sets the limit.
    package func drain(limit: Double) {
        pthread_mutex_lock(mutex)
        if !draining {
            draining = true
            drainDeadline = Self.now() &+ UInt64(max(0, limit) * 1e9)
        }
        pthread_cond_broadcast(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    /// True once `drain` was called.
    package var isDraining: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return draining
    }
}
