/// A pool of values addressed by stable `Int32` indices, reusing freed places.
///
/// Lets heaps of small plain entries point at bulkier values (a receive's key and agree values)
/// that stay put while the heap moves its entries. O(1) add and take; memory follows the most
/// values ever held at once.
struct Slab<Element> {
    private var items: [Element] = []
    private var free: [Int32] = []
    /// What a taken place is overwritten with, so it holds no references.
    private let vacant: Element

    init(vacant: Element) { self.vacant = vacant }

    /// Values held.
    var count: Int { items.count - free.count }

    /// Takes `e` over (consumed: no copy, so no retain of what it holds).
    mutating func add(_ e: consuming Element) -> Int32 {
        if let i = free.popLast() {
            items[Int(i)] = e
            return i
        }
        items.append(e)
        return Int32(items.count - 1)
    }

    /// Removes and returns the value at `i`, swapped out for `vacant` (moved, not copied).
    mutating func take(_ i: Int32) -> Element {
        var e = vacant
        swap(&e, &items[Int(i)])
        free.append(i)
        return e
    }

    subscript(_ i: Int32) -> Element { items[Int(i)] }

    /// Calls `body` on every place, held or vacant (a vacant one holds `vacant`).
    mutating func forEachPlace(_ body: (inout Element) -> Void) {
        for i in items.indices { body(&items[i]) }
    }
}
