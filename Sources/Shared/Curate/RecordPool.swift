/// All records of the input in memory, for the stages that must see the whole pool before choosing
/// (diversity, select). The streaming stages never use it.
public struct RecordPool {
    public var records: [Record] = []

    public init(records: [Record] = []) { self.records = records }

    public static func read(_ reader: RecordReader) throws -> RecordPool {
        var p = RecordPool()
        while let r = try reader.next() { p.records.append(r) }
        return p
    }

    /// Domain of each record (`domain`, else "(no domain)"), grouped, each group in input order.
    public func byDomain(_ indices: [Int]) -> [(String, [Int])] {
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for i in indices {
            let d = records[i].string("domain").flatMap { $0.isEmpty ? nil : $0 } ?? "(no domain)"
            if groups[d] == nil { order.append(d) }
            groups[d, default: []].append(i)
        }
        return order.sorted().map { ($0, groups[$0]!) }
    }
}
