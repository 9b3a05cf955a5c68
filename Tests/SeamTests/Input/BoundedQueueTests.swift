import Foundation
import XCTest

@_spi(SeamStages) @testable import SeamInput

/// The one queue's boundaries: a full queue cancelled under a blocked `put`, a timed `take`
/// expiring, the last participant leaving while a taker waits, a drain over parked and busy
/// participants and a drain's limit passing. Threads are the project's joined `WorkerThread`s;
/// "still blocked" is checked after a short sleep (a slow machine can only make that pass late,
/// never wrongly).
final class BoundedQueueTests: XCTestCase {
    /// A flag set by another thread.
    private final class Flag: @unchecked Sendable {  // behind its lock
        private let lock = NSLock()
        private var value = false
        func set() { lock.lock(); value = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    }

    private func settle() { usleep(50_000) }

    func testFullQueueBlocksPutUntilCancelThenDropsAndDrainsWhatWasQueued() {
        let queue = BoundedQueue<Int>(capacity: 2)
        XCTAssertTrue(queue.put(1))
        XCTAssertTrue(queue.put(2))
        let returned = Flag()
        var accepted = true
        let producer = WorkerThread {
            accepted = queue.put(3)
            returned.set()
        }
        settle()
        XCTAssertFalse(returned.isSet, "put on a full queue waits for room")
        queue.cancel()
        producer.join()
        XCTAssertTrue(returned.isSet)
        XCTAssertFalse(accepted, "a put woken by cancel drops its item")
        XCTAssertFalse(queue.put(4), "later puts are dropped")
        XCTAssertEqual(queue.take(), 1, "what was queued before the cancel is still taken, in order")
        XCTAssertEqual(queue.take(), 2)
        XCTAssertNil(queue.take())
        XCTAssertTrue(queue.isCancelled)
    }

    func testFullQueueTakeMakesRoomForOneBlockedPut() {
        let queue = BoundedQueue<Int>(capacity: 1)
        queue.put(1)
        let producer = WorkerThread { queue.put(2) }
        settle()
        XCTAssertEqual(queue.take(), 1)
        XCTAssertEqual(queue.take(), 2, "the blocked put goes in once a slot is free")
        producer.join()
    }

    func testWithoutParticipantsTakeWaitsForCancelNotForSenders() {
        let queue = BoundedQueue<Int>(capacity: 4)
        let got = Flag()
        var item: Int?
        let taker = WorkerThread {
            item = queue.take()
            got.set()
        }
        settle()
        XCTAssertFalse(got.isSet, "no participants counted: an empty queue is not the end")
        queue.cancel()
        taker.join()
        XCTAssertNil(item)
    }

    func testTimedTakeExpiresWithTimedOutAndOtherwiseReturnsTheItem() {
        let queue = BoundedQueue<Int>(capacity: 4, countsParticipants: true)
        queue.register()
        var timedOut = false
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertNil(queue.take(waitingAtMost: 0.1, timedOut: &timedOut))
        let waited = DispatchTime.now().uptimeNanoseconds - start
        XCTAssertTrue(timedOut)
        XCTAssertGreaterThanOrEqual(waited, 100_000_000, "waits the whole limit")
        XCTAssertLessThan(waited, 5_000_000_000)

        let producer = WorkerThread {
            usleep(50_000)
            queue.put(7)
        }
        XCTAssertEqual(queue.take(waitingAtMost: 5, timedOut: &timedOut), 7)
        XCTAssertFalse(timedOut)
        producer.join()

        queue.put(8, leaving: true)
        XCTAssertEqual(queue.take(waitingAtMost: 0, timedOut: &timedOut), 8, "an item waiting is taken at once")
        XCTAssertNil(queue.take(waitingAtMost: 5, timedOut: &timedOut))
        XCTAssertFalse(timedOut, "the end of input is not a time-out")
    }

    func testTimedTakeEndsUnTimedOutWhenTheLastParticipantLeavesDuringTheWait() {
        let queue = BoundedQueue<Int>(capacity: 4, countsParticipants: true)
        queue.register()
        let leaver = WorkerThread {
            usleep(50_000)
            queue.leave()
        }
        var timedOut = true
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertNil(queue.take(waitingAtMost: 30, timedOut: &timedOut))
        XCTAssertFalse(timedOut)
        XCTAssertLessThan(DispatchTime.now().uptimeNanoseconds - start, 20_000_000_000, "woken by the leave")
        leaver.join()
    }

    func testTakeEndsWhenTheLastParticipantLeavesWhileItWaits() {
        let queue = BoundedQueue<Int>(capacity: 4, countsParticipants: true)
        queue.register()
        queue.register()
        queue.put(1, leaving: true)
        XCTAssertEqual(queue.take(), 1)
        let done = Flag()
        var item: Int? = -1
        let taker = WorkerThread {
            item = queue.take()
            done.set()
        }
        settle()
        XCTAssertFalse(done.isSet, "one participant is still there")
        queue.leave()
        taker.join()
        XCTAssertNil(item, "the last one left: the end of input")
        XCTAssertFalse(queue.isCancelled, "an end, not a cancel")
    }

    func testALeavingItemEndsItsParticipantOnlyOnceTaken() {
        let queue = BoundedQueue<Int>(capacity: 4, countsParticipants: true)
        queue.register()
        queue.put(1)
        queue.put(2, leaving: true)
        XCTAssertEqual(queue.take(), 1)
        XCTAssertEqual(queue.take(), 2, "items before and with the leaving one are all taken")
        XCTAssertNil(queue.take())
    }

    func testDrainEndsOnceEveryParticipantStillThereIsParked() {
        let queue = BoundedQueue<Int>(capacity: 4, countsParticipants: true)
        queue.register()  // 0: a quiet pipe, parked
        queue.register()  // 1: busy
        XCTAssertTrue(queue.park(0, true))
        queue.drain(limit: 60)
        XCTAssertTrue(queue.isDraining)
        let done = Flag()
        var items: [Int] = []
        let start = DispatchTime.now().uptimeNanoseconds
        let taker = WorkerThread {
            while let i = queue.take() { items.append(i) }
            done.set()
        }
        settle()
        XCTAssertFalse(done.isSet, "participant 1 is neither parked nor gone")
        // 0 wakes up, then goes back to its wait: the drain waits for it in between.
        queue.park(0, false)
        queue.put(10)
        queue.put(11, leaving: true)
        settle()
        XCTAssertFalse(done.isSet, "participant 0 is back and holds input")
        queue.park(0, true)
        taker.join()
        XCTAssertEqual(items, [10, 11])
        XCTAssertLessThan(DispatchTime.now().uptimeNanoseconds - start, 30_000_000_000, "not the drain's limit")
        XCTAssertFalse(queue.isCancelled)
        XCTAssertTrue(queue.isParked(0))
        XCTAssertFalse(queue.isParked(1))
    }

    func testDrainLimitCancelsTheQueueAndNoOneParksAfterwards() {
        let queue = BoundedQueue<Int>(capacity: 1, countsParticipants: true)
        queue.register()
        queue.drain(limit: 0.1)
        queue.drain(limit: 60)  // the first call sets the limit
        var timedOut = true
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertNil(queue.take(waitingAtMost: 30, timedOut: &timedOut))
        let waited = DispatchTime.now().uptimeNanoseconds - start
        XCTAssertFalse(timedOut, "a drain's limit is not a take's time-out")
        XCTAssertGreaterThanOrEqual(waited, 100_000_000)
        XCTAssertLessThan(waited, 20_000_000_000)
        XCTAssertTrue(queue.isCancelled, "the participant that never came back is given up")
        XCTAssertFalse(queue.park(0, true), "a participant must not start a wait after the run")
        XCTAssertFalse(queue.isParked(0))
        XCTAssertFalse(queue.put(1, leaving: true))
    }
}
