import HeapModule

/// A min-priority queue for deadlines that mostly arrive in order.
///
/// A deadline not earlier than the last one queued in order is appended to a FIFO run, O(1);
/// one that arrives out of order goes to a heap, O(log n). The minimum is the smaller of the
/// run's first and the heap's minimum. Merged logs are nearly sorted, so most deadlines take the
/// O(1) path; any order is still correct.
struct DeadlineQueue<Element: Comparable> {
    private var run: [Element] = []
    /// First live element of `run`; the ones before it were removed.
    private var head = 0
    private var heap = Heap<Element>()

    var count: Int { run.count - head + heap.count }
    var isEmpty: Bool { count == 0 }

    /// The smallest element. O(1).
    var min: Element? {
        guard head < run.count else { return heap.min }
        guard let h = heap.min, h < run[head] else { return run[head] }
        return h
    }

    /// O(1) in order, O(log n) otherwise.
    mutating func insert(_ e: Element) {
        if head == run.count || !(e < run[run.count - 1]) {
            run.append(e)
        } else {
            heap.insert(e)
        }
    }

    /// Removes the smallest element; the queue must not be empty. O(1) amortized from the run,
    /// O(log n) from the heap.
    mutating func removeMin() -> Element {
        if head < run.count, heap.min.map({ !($0 < run[head]) }) ?? true {
            let e = run[head]
            head += 1
            if head == run.count {
                run.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= run.count {
                run.removeFirst(head)
                head = 0
            }
            return e
        }
        return heap.removeMin()
    }
}
