import Foundation

/// What a tool did, for the one-line stderr summary every tool prints: read, written, and each reason a
/// record was dropped or rejected, in the order the reasons first occurred.
public final class Tally {
    public let tool: String
    public var read = 0
    public var written = 0
    public private(set) var reasons: [(String, Int)] = []
    public var notes: [String] = []

    public init(tool: String) { self.tool = tool }

    public func drop(_ reason: String, _ n: Int = 1) {
        if let i = reasons.firstIndex(where: { $0.0 == reason }) { reasons[i].1 += n } else { reasons.append((reason, n)) }
    }

    public func count(_ reason: String) -> Int { reasons.first { $0.0 == reason }?.1 ?? 0 }
    public var dropped: Int { reasons.reduce(0) { $0 + $1.1 } }

    public var summary: String {
        var s = "\(tool): read \(read), written \(written), dropped \(dropped)"
        if !reasons.isEmpty { s += " (" + reasons.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + ")" }
        for n in notes { s += "; " + n }
        return s
    }

    public func printSummary() { Log.line(summary) }
}

public enum Log {
    /// One line on stderr, unbuffered.
    public static func line(_ s: String) {
        FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
    }
}
