/// What to do with a line that is not a JSON object (SPEC §2): stop (exit 65, naming source and line), or,
/// with `--skip-bad`, copy the line unchanged to the rejects file (or just count it) and go on.
public final class BadLinePolicy {
    public let skipBad: Bool
    public let rejects: ByteSink?
    public let tally: Tally

    public init(skipBad: Bool, rejects: ByteSink?, tally: Tally) {
        self.skipBad = skipBad
        self.rejects = rejects
        self.tally = tally
    }

    /// Called with the located error and the line's bytes; throws unless skipping.
    public func reject(_ error: InputError, raw: UnsafeRawBufferPointer?) throws {
        guard skipBad else { throw error }
        tally.drop("bad line")
        if let rejects, let raw {
            try rejects.write(raw)
            try rejects.write([0x0A])
        }
        if rejects == nil && tally.count("bad line") <= 5 { Log.line("skipped: \(error)") }
    }

    /// Runs a record's validation: its value, or nil after the record was set aside (--skip-bad); without
    /// --skip-bad the record's error stops the run.
    public func check<T>(_ r: Record, _ body: () throws -> T) throws -> T? {
        do { return try body() } catch let e as InputError {
            try reject(e, record: r)
            return nil
        }
    }

    /// A record that is bad input: its line goes to the rejects file exactly as it was read.
    public func reject(_ error: InputError, record r: Record) throws {
        if let o = r.originalLine { try o.withUnsafeBytes { try reject(error, raw: $0) } } else { try reject(error, raw: r.raw) }
    }

    public func close() throws { try rejects?.close() }
}

/// Streams records from sources in order (paths, "-" for stdin; plain or zstd). One record in memory at a time.
public final class RecordReader {
    public let paths: [String]
    public let policy: BadLinePolicy
    public let maxLineBytes: Int
    /// s1-think's input rule: a line that is not JSON (and does not try to be: no leading `{`) is the
    /// question itself.
    public var plainTextQuestions = false
    /// `--shard K/N`: only records whose `id` falls in this shard are returned (the others are counted as
    /// "other shard"); a record without a string `id` is bad input.
    public var shard: Shard?
    private var index = 0
    private var reader: LineReader?
    public private(set) var currentSource = ""

    public init(paths: [String], policy: BadLinePolicy, maxLineBytes: Int = 256 << 20) {
        self.paths = paths.isEmpty ? ["-"] : paths
        self.policy = policy
        self.maxLineBytes = maxLineBytes
    }

    /// Next record, or nil when every source is exhausted. Blank lines are not records and are skipped.
    public func next() throws -> Record? {
        while true {
            if reader == nil {
                guard index < paths.count else { return nil }
                let src = try InputOpener.open(paths[index])
                currentSource = src.name
                reader = LineReader(src, maxLineBytes: maxLineBytes)
                index += 1
            }
            let r = reader!
            let spill: ((UnsafeRawBufferPointer) throws -> Void)? = policy.skipBad ? { [policy] b in try policy.rejects?.write(b) } : nil
            guard let item = try r.next(spill: spill) else { reader = nil; continue }
            switch item {
            case .oversize(let n):
                let err = InputError(currentSource, line: r.lineNumber, "line of \(n) bytes exceeds the \(maxLineBytes)-byte limit (--max-line-bytes)")
                try policy.reject(err, raw: nil)
                if policy.skipBad { try policy.rejects?.write([0x0A]) }
            case .line(let bytes):
                if isBlank(bytes) { continue }
                policy.tally.read += 1
                let body = Self.body(bytes, firstLine: r.lineNumber == 1)
                let rec: Record
                do {
                    rec = try Record.parse(body, source: currentSource, line: r.lineNumber)
                } catch {
                    guard plainTextQuestions && !Self.looksLikeJSON(body) else {
                        try policy.reject(InputError(currentSource, line: r.lineNumber, Self.describe(error)), raw: bytes)
                        continue
                    }
                    rec = Record([("question", .string(String(decoding: body, as: UTF8.self)))], source: currentSource, line: r.lineNumber)
                }
                if body.count != bytes.count { rec.originalLine = Array(bytes) }
                if let shard {
                    guard let id = rec.string("id") else {
                        try policy.reject(InputError(currentSource, line: r.lineNumber, "record has no `id` string, which --shard splits on"), record: rec)
                        continue
                    }
                    if !shard.contains(id: id) { policy.tally.drop("other shard"); continue }
                }
                return rec
            }
        }
    }

    /// What is parsed of a line, the same in every tool: a CR before the newline is not part of it, nor is a
    /// UTF-8 byte-order mark at the start of a source (rejects still get the line as it was).
    static func body(_ b: UnsafeRawBufferPointer, firstLine: Bool) -> UnsafeRawBufferPointer {
        var s = 0, e = b.count
        if e > 0 && b[e - 1] == 0x0D { e -= 1 }
        if firstLine && e >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { s = 3 }
        return UnsafeRawBufferPointer(rebasing: b[s..<max(s, e)])
    }

    static func looksLikeJSON(_ b: UnsafeRawBufferPointer) -> Bool {
        b.first { $0 != 0x20 && $0 != 0x09 } == UInt8(ascii: "{")
    }

    private func isBlank(_ b: UnsafeRawBufferPointer) -> Bool {
        for c in b where c != 0x20 && c != 0x09 && c != 0x0D { return false }
        return true
    }

    /// The message for a line that is not one JSON object, with its 1-based column.
    static func describe(_ e: JSONSyntaxError) -> String {
        if e.message.hasPrefix("not a JSON object") || e.message == "empty line" { return e.message }
        return "not valid JSON: \(e.message) (column \(e.offset + 1))"
    }
}

/// Writes records one per line.
public final class RecordWriter {
    public let sink: ByteSink
    private let tally: Tally?

    public init(sink: ByteSink, tally: Tally? = nil) {
        self.sink = sink
        self.tally = tally
    }

    public func write(_ r: Record) throws {
        try sink.write(r.raw)
        try sink.write([0x0A])
        tally?.written += 1
    }

    public func flush() throws { try sink.flush() }
    public func close() throws { try sink.close() }
}
